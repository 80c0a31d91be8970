using DouyinEtl.Replay;
using DouyinEtl.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Streams.ItemList;

internal static class ItemListRegistration
{
    public static void AddItemList(this HostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ItemListOptions>().Bind(builder.Configuration.GetSection(ItemListOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ItemListOptions>, ItemListOptionsValidator>();
        builder.Services.AddTransient<ISyncJob, ItemListSync>();
        builder.Services.AddTransient<IReplayableStream, ItemListReplay>();
    }
}
