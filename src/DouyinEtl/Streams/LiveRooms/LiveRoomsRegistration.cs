using DouyinEtl.Replay;
using DouyinEtl.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Streams.LiveRooms;

internal static class LiveRoomsRegistration
{
    public static void AddLiveRooms(this HostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LiveRoomsOptions>().Bind(builder.Configuration.GetSection(LiveRoomsOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LiveRoomsOptions>, LiveRoomsOptionsValidator>();
        builder.Services.AddTransient<ISyncJob, LiveRoomsSync>();
        builder.Services.AddTransient<IReplayableStream, LiveRoomsReplay>();
    }
}
