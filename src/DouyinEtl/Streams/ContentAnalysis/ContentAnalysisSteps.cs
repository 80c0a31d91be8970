using System.Collections.Concurrent;
using DouyinEtl.Json;
using DouyinEtl.Upstream;
using Npgsql;

namespace DouyinEtl.Streams.ContentAnalysis;

/// <summary>
/// One answer of a window's step as rows: read with <see cref="AnalysisPayloads"/> ("no data yet" reads as empty) and
/// written over the window's rows of its kind. The live sync and the replay both go through here, so a replayed answer
/// gives exactly the rows it gave live. The readers return null for an answer that is not a shape we can read.
/// </summary>
internal static class ContentAnalysisSteps
{
    /// <summary>The problems not <paramref name="reported"/> yet: the same undocumented field turns up in every answer, one problem per run says it.</summary>
    public static PayloadProblems FirstSeen(PayloadProblems problems, ConcurrentDictionary<string, bool> reported)
    {
        var firstSeen = new PayloadProblems();
        foreach (var message in problems.Messages.Where(m => reported.TryAdd(m, true)))
        {
            firstSeen.Add(message);
        }

        return firstSeen;
    }

    public static List<string>? ReadVerticals(UpstreamResponse response, PayloadProblems problems) =>
        response.Status == InnerStatus.NoDataYet ? [] : AnalysisPayloads.Verticals(response.Data, problems);

    /// <summary>False when the answer is unreadable; <paramref name="overview"/> is null for "no data yet".</summary>
    public static bool TryReadOverview(UpstreamResponse response, PayloadProblems problems, out AnalysisOverview? overview)
    {
        overview = response.Status == InnerStatus.NoDataYet ? null : AnalysisPayloads.Overview(response.Data, problems);
        return overview is not null || response.Status == InnerStatus.NoDataYet;
    }

    public static List<PerformanceEntry>? ReadPerformance(UpstreamResponse response, int metricType, PayloadProblems problems) =>
        response.Status == InnerStatus.NoDataYet ? [] : AnalysisPayloads.Performance(response.Data, metricType, problems);

    public static async Task<int> WriteVerticalsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AnalysisScope scope, IReadOnlyList<string> verticals, CancellationToken cancellationToken)
    {
        await ContentAnalysisSql.ClearAsync(connection, transaction, "item_analysis_vertical", scope, null, cancellationToken);
        return await ContentAnalysisSql.Verticals.ExecuteAsync(connection, transaction, [.. verticals.Select((v, i) => new VerticalRow(scope, v, i + 1))], cancellationToken);
    }

    /// <summary>The window's totals and bars; a "no data yet" answer empties both, so a window never shows one read's totals with another's bars.</summary>
    public static async Task<int> WriteOverviewAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        AnalysisScope scope,
        IReadOnlyList<int> genres,
        IReadOnlyList<string> verticals,
        AnalysisOverview? overview,
        CancellationToken cancellationToken)
    {
        await ContentAnalysisSql.ClearAsync(connection, transaction, "item_analysis_overview", scope, null, cancellationToken);
        await ContentAnalysisSql.ClearAsync(connection, transaction, "item_analysis_breakdown", scope, null, cancellationToken);
        if (overview is null)
        {
            return 0;
        }

        var written = await ContentAnalysisSql.Overviews.ExecuteAsync(connection, transaction, [new OverviewRow(scope, genres, verticals, overview)], cancellationToken);
        return written + await ContentAnalysisSql.Bars.ExecuteAsync(connection, transaction, [.. overview.Bars.Select(b => new BarRow(scope, b))], cancellationToken);
    }

    public static async Task<int> WritePerformanceAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        AnalysisScope scope,
        int metricType,
        IReadOnlyList<PerformanceEntry> entries,
        CancellationToken cancellationToken)
    {
        await ContentAnalysisSql.ClearAsync(connection, transaction, "item_analysis_performance", scope, metricType, cancellationToken);
        return await ContentAnalysisSql.Performance.ExecuteAsync(connection, transaction, [.. entries.Select(e => new PerformanceRow(scope, metricType, e))], cancellationToken);
    }
}
