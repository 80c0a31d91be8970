using DouyinEtl.Replay;
using DouyinEtl.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Streams.ItemExport;

internal static class ItemExportRegistration
{
    public static void AddItemExport(this HostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ItemExportOptions>().Bind(builder.Configuration.GetSection(ItemExportOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ItemExportOptions>, ItemExportOptionsValidator>();
        builder.Services.AddTransient<ISyncJob, ItemExportSync>();
        builder.Services.AddTransient<IReplayableStream, ItemExportReplay>();
    }
}
