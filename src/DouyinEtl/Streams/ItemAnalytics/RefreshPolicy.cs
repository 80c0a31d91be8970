using System.Globalization;
using DouyinEtl.Runs;

namespace DouyinEtl.Streams.ItemAnalytics;

/// <summary>A work younger than <see cref="MaxAgeDays"/> (and older than the previous tier) is refreshed every <see cref="EveryDays"/> Asia/Shanghai days.</summary>
internal sealed record RefreshTier(int MaxAgeDays, int EveryDays);

/// <summary>
/// When a work × endpoint is due again, from the work's age and its last fetch. Due dates fall on Asia/Shanghai
/// midnights, so "daily" means once per calendar day whatever time the job runs. The last tier's age is the horizon
/// (the creator center keeps per-work analytics for 90 days): a work's last fetch is on its last day inside the horizon
/// (a closing snapshot), and nothing is fetched past it. "No data yet" (10001) follows the same schedule as data; a
/// failed answer that was billed backs off 1, 2, 4, then 7 days, so a broken work does not cost a call every run.
/// </summary>
internal sealed class RefreshPolicy
{
    private readonly IReadOnlyList<RefreshTier> _tiers;

    public RefreshPolicy(IReadOnlyList<RefreshTier> tiers)
    {
        if (tiers.Count == 0)
        {
            throw new ArgumentException("at least one tier is required", nameof(tiers));
        }

        _tiers = tiers;
    }

    public int HorizonDays => _tiers[^1].MaxAgeDays;

    public IReadOnlyList<RefreshTier> Tiers => _tiers;

    /// <summary>Works published after this instant are inside the horizon: never-fetched ones are due.</summary>
    public DateTimeOffset HorizonStart(DateTimeOffset now) => now.AddDays(-HorizonDays);

    /// <summary>The next time a work published at <paramref name="publishTime"/> and fetched at <paramref name="fetchedAt"/> is due; null: never again.</summary>
    public DateTimeOffset? NextDue(DateTimeOffset publishTime, DateTimeOffset fetchedAt, int consecutiveFailures)
    {
        var closing = publishTime.AddDays(HorizonDays - 1);
        if (fetchedAt >= closing)
        {
            return null;
        }

        var age = fetchedAt - publishTime;
        var every = consecutiveFailures > 0
            ? Math.Min(1 << Math.Min(consecutiveFailures - 1, 3), 7)
            : _tiers.First(t => age < TimeSpan.FromDays(t.MaxAgeDays)).EveryDays;
        var next = ShanghaiTime.StartOfDay(ShanghaiTime.Day(fetchedAt).AddDays(every));
        return next < closing ? next : closing;
    }

    /// <summary>Reads "7:1, 30:3, 90:7" (max age in days : refresh every N days), ages ascending. Returns null and the reason when malformed.</summary>
    public static IReadOnlyList<RefreshTier>? Parse(string? text, out string? error)
    {
        error = null;
        var tiers = new List<RefreshTier>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pieces = part.Split(':', StringSplitOptions.TrimEntries);
            if (pieces.Length != 2
                || !int.TryParse(pieces[0], NumberStyles.None, CultureInfo.InvariantCulture, out var maxAge)
                || !int.TryParse(pieces[1], NumberStyles.None, CultureInfo.InvariantCulture, out var every))
            {
                error = $"'{part}' is not 'maxAgeDays:everyDays' (e.g. 7:1)";
                return null;
            }

            if (maxAge < 1 || every < 1)
            {
                error = $"'{part}' must have a max age and an interval of at least 1 day";
                return null;
            }

            if (tiers.Count > 0 && maxAge <= tiers[^1].MaxAgeDays)
            {
                error = $"ages must ascend, but {maxAge} follows {tiers[^1].MaxAgeDays}";
                return null;
            }

            tiers.Add(new RefreshTier(maxAge, every));
        }

        if (tiers.Count == 0)
        {
            error = "no tier given";
            return null;
        }

        return tiers;
    }
}
