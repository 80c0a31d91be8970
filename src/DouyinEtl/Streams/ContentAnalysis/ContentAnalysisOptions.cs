using DouyinEtl.Configuration;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Streams.ContentAnalysis;

internal sealed class ContentAnalysisOptions
{
    public const string Section = "ItemAnalysis";

    public static readonly int[] AllMetricTypes = [1, 2, 3, 4];
    public static readonly int[] AllGenres = [1, 2, 3, 4, 5, 8];

    /// <summary>How far back a scheduled run (no --from) analyses the publish calendar; deeper history is for <c>backfill</c>.</summary>
    public int HistoryDays { get; set; } = 90;

    /// <summary>Days per window, on a fixed grid; the upstream refuses more than 90.</summary>
    public int WindowDays { get; set; } = 90;

    /// <summary>Days after a window's last day during which it is still re-read (its works keep gaining views).</summary>
    public int SettleDays { get; set; } = 14;

    /// <summary>Minimum time between two reads of a window that has not settled.</summary>
    public TimeSpan RefreshEvery { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Performance lists to load per window (1 views, 2 likes, 3 comments, 4 shares); unset means all four.</summary>
    public int[]? MetricTypes { get; set; }

    /// <summary>Genres sent with the overview and performance calls; unset means all (1, 2, 3, 4, 5, 8).</summary>
    public int[]? Genres { get; set; }

    public IReadOnlyList<int> EffectiveMetricTypes => MetricTypes is { Length: > 0 } types ? types : AllMetricTypes;

    public IReadOnlyList<int> EffectiveGenres => Genres is { Length: > 0 } genres ? genres : AllGenres;
}

internal sealed class ContentAnalysisOptionsValidator : IValidateOptions<ContentAnalysisOptions>
{
    public ValidateOptionsResult Validate(string? name, ContentAnalysisOptions options)
    {
        var failures = new OptionFailures("ItemAnalysis");
        failures.Between("HistoryDays", options.HistoryDays, 1, 3650);
        failures.Between("WindowDays", options.WindowDays, 1, 90, "TikHub refuses longer ranges");
        failures.Between("SettleDays", options.SettleDays, 0, 365);
        failures.NotNegative("RefreshEvery", options.RefreshEvery);
        if (options.MetricTypes?.Where(t => t is < 1 or > 4).ToList() is { Count: > 0 } badTypes)
        {
            failures.Add($"ItemAnalysis:MetricTypes may hold only 1, 2, 3 and 4, got {string.Join(", ", badTypes)}.");
        }

        if (options.Genres?.Except(ContentAnalysisOptions.AllGenres).ToList() is { Count: > 0 } badGenres)
        {
            failures.Add($"ItemAnalysis:Genres may hold only 1, 2, 3, 4, 5 and 8, got {string.Join(", ", badGenres)}.");
        }

        return failures.Result;
    }
}
