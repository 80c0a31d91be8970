using DouyinEtl.Replay;
using DouyinEtl.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Streams.ItemAnalytics;

internal static class ItemAnalyticsRegistration
{
    public static void AddItemAnalytics(this HostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ItemAnalyticsOptions>().Bind(builder.Configuration.GetSection(ItemAnalyticsOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ItemAnalyticsOptions>, ItemAnalyticsOptionsValidator>();
        builder.Services.AddTransient<ISyncJob, ItemAnalyticsSync>();
        builder.Services.AddTransient<IReplayableStream, ItemAnalyticsReplay>();
    }
}
