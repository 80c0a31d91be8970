using DouyinEtl.Runs;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Streams.AuthorDiagnosis;

internal sealed class AuthorDiagnosisOptions
{
    public const string Section = "AuthorDiagnosis";

    /// <summary>Time of day (Asia/Shanghai) from which the creator center shows yesterday's diagnosis: "次日12点更新昨日作品数据".</summary>
    public TimeSpan ReadyAfter { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// The day whose diagnosis a call at <paramref name="callTime"/> returns: yesterday (Asia/Shanghai) once the day has
    /// passed <see cref="ReadyAfter"/>, the day before yesterday until then. The response itself names no day.
    /// </summary>
    public DateOnly DataDay(DateTimeOffset callTime) => ShanghaiTime.Day(callTime - ReadyAfter).AddDays(-1);
}

internal sealed class AuthorDiagnosisOptionsValidator : IValidateOptions<AuthorDiagnosisOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthorDiagnosisOptions options) =>
        options.ReadyAfter < TimeSpan.Zero || options.ReadyAfter >= TimeSpan.FromDays(1)
            ? ValidateOptionsResult.Fail($"AuthorDiagnosis:ReadyAfter must be a time of day between 00:00 and 23:59, got {options.ReadyAfter}.")
            : ValidateOptionsResult.Success;
}
