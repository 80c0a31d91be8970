using DouyinEtl.Replay;
using DouyinEtl.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Hosting;

internal static class JobRegistration
{
    /// <summary>One stream: its options (the section <paramref name="section"/>, validated at start), its job and its replay.</summary>
    /// <param name="builder">The worker's host builder.</param>
    /// <param name="section">The options' configuration section.</param>
    /// <param name="bind">
    /// <c>(section, options) =&gt; section.Bind(options)</c>, written where the options type is known: the configuration
    /// binding source generator cannot bind through a type parameter.
    /// </param>
    public static void AddStream<TJob, TReplay, TOptions, TValidator>(this HostApplicationBuilder builder, string section, Action<IConfiguration, TOptions> bind)
        where TJob : class, ISyncJob
        where TReplay : class, IReplayableStream
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        var configuration = builder.Configuration.GetSection(section);
        builder.Services.AddOptions<TOptions>().Configure(options => bind(configuration, options)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        builder.Services.AddTransient<ISyncJob, TJob>();
        builder.Services.AddTransient<IReplayableStream, TReplay>();
    }
}
