using DouyinEtl.Replay;
using DouyinEtl.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Streams.ItemAnalysis;

internal static class ItemAnalysisRegistration
{
    public static void AddItemAnalysis(this HostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ItemAnalysisOptions>().Bind(builder.Configuration.GetSection(ItemAnalysisOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ItemAnalysisOptions>, ItemAnalysisOptionsValidator>();
        builder.Services.AddTransient<ISyncJob, ItemAnalysisSync>();
        builder.Services.AddTransient<IReplayableStream, ItemAnalysisReplay>();
    }
}
