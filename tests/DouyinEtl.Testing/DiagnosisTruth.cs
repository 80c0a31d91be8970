using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.World;

namespace DouyinEtl.Testing;

/// <summary>A row of douyin.author_diagnosis as the end-to-end checks compare it with the sandbox's truth.</summary>
internal sealed record DiagnosisInWarehouse(
    string AccountId,
    DateTime DataDay,
    string Dimension,
    decimal? OwnValue,
    long? SimilarCount,
    decimal? AuthorRank,
    decimal? SimilarRank,
    decimal? SimilarValue);

/// <summary>What douyin.author_diagnosis must hold, from the sandbox's world.</summary>
internal static class DiagnosisTruth
{
    public const string RowsSql = """
        SELECT account_id, data_day::timestamp AS data_day, dimension, own_value, similar_count, author_rank, similar_rank, similar_value
        FROM douyin.author_diagnosis ORDER BY account_id COLLATE "C", data_day, dimension COLLATE "C"
        """;

    /// <summary>Every account's values of <paramref name="day"/>, in <see cref="RowsSql"/>'s order; the documented shape carries similar authors for "Interact" only.</summary>
    public static List<DiagnosisInWarehouse> Expected(SandboxWorld world, DateOnly day, PayloadVariant variant)
    {
        bool Partial(string dimension) => variant == PayloadVariant.Documented && dimension != "Interact";
        return [.. world.Accounts
            .SelectMany(a => AuthorDiagnosisWorld.For(world, a, day).Select(v => new DiagnosisInWarehouse(
                a.Id, day.ToDateTime(TimeOnly.MinValue), v.Dimension, v.OwnValue, Partial(v.Dimension) ? null : v.SimilarCount,
                v.AuthorRank, v.SimilarRank, Partial(v.Dimension) ? null : v.SimilarValue)))
            .OrderBy(r => r.AccountId, StringComparer.Ordinal).ThenBy(r => r.Dimension, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Each landed value against the sandbox's for its account, day and dimension, in the columns every payload shape
    /// carries (own value and ranks). Returns the values landed and those that differ or that the sandbox does not know.
    /// </summary>
    public static async Task<(int Values, List<DiagnosisInWarehouse> Differing)> CompareAsync(string connectionString, SandboxWorld world)
    {
        var landed = await WarehouseRows.QueryAsync<DiagnosisInWarehouse>(connectionString, RowsSql);
        var differing = landed.Where(row =>
                world.FindById(row.AccountId) is not { } account
                || AuthorDiagnosisWorld.For(world, account, DateOnly.FromDateTime(row.DataDay)).FirstOrDefault(v => v.Dimension == row.Dimension) is not { } truth
                || (truth.OwnValue, truth.AuthorRank, truth.SimilarRank) != (row.OwnValue, row.AuthorRank, row.SimilarRank))
            .ToList();
        return (landed.Count, differing);
    }
}
