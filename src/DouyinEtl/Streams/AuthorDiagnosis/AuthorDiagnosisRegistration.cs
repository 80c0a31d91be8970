using DouyinEtl.Replay;
using DouyinEtl.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Streams.AuthorDiagnosis;

internal static class AuthorDiagnosisRegistration
{
    public static void AddAuthorDiagnosis(this HostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthorDiagnosisOptions>().Bind(builder.Configuration.GetSection(AuthorDiagnosisOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthorDiagnosisOptions>, AuthorDiagnosisOptionsValidator>();
        builder.Services.AddTransient<ISyncJob, AuthorDiagnosisSync>();
        builder.Services.AddTransient<IReplayableStream, AuthorDiagnosisReplay>();
    }
}
