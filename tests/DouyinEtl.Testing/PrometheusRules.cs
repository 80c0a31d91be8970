using System.Text.RegularExpressions;

namespace DouyinEtl.Testing;

/// <summary>The alert rules shipped in deploy/prometheus/.</summary>
internal static partial class PrometheusRules
{
    public static readonly string Path = Repository.PathOf("deploy", "prometheus", "douyin-etl.rules.yml");

    /// <summary>The metric names the rules use (checked against a real daemon's /metrics by ManagedAccountsDaemonTests).</summary>
    public static IReadOnlyList<string> MetricNames() =>
        [.. MetricName().Matches(File.ReadAllText(Path)).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"\bdouyin_etl_[a-z_]+")]
    private static partial Regex MetricName();
}
