using DouyinEtl.Cli;

namespace DouyinEtl.Tests.Warehouse;

/// <summary>
/// docs/data-dictionary.md is what `douyin-etl docs` prints for a database with every migration applied. When a
/// migration adds or changes a table, view, column or comment, regenerate it:
///   DOUYIN_ETL_UPDATE_DOCS=1 dotnet test DouyinEtl.sln --filter DataDictionary
/// (or run `douyin-etl migrate` and `douyin-etl docs --output docs/data-dictionary.md` against an empty database).
/// </summary>
public sealed class DataDictionaryTests
{
    private const string UpdateVariable = "DOUYIN_ETL_UPDATE_DOCS";

    [Fact]
    public async Task CommittedDataDictionary_IsWhatDocsPrintsForAFullyMigratedDatabase()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        Assert.Equal(0, await CommandLine.InvokeAsync(["migrate", "--set", $"ConnectionStrings:Warehouse={database}"]));
        var generated = Path.Combine(Path.GetTempPath(), $"data-dictionary-{Guid.NewGuid():N}.md");
        try
        {
            Assert.Equal(0, await CommandLine.InvokeAsync(["docs", "--output", generated, "--set", $"ConnectionStrings:Warehouse={database}"]));
            var committedPath = RepositoryFile.PathOf("docs/data-dictionary.md");
            var fresh = await File.ReadAllTextAsync(generated);
            if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
            {
                await File.WriteAllTextAsync(committedPath, fresh);
            }

            var committed = File.Exists(committedPath) ? await File.ReadAllTextAsync(committedPath) : "";
            Assert.True(
                committed == fresh,
                $"docs/data-dictionary.md is out of date (first difference: {FirstDifference(committed, fresh)}). " +
                $"Regenerate it with `{UpdateVariable}=1 dotnet test DouyinEtl.sln --filter DataDictionary` and commit it.");
            Assert.Contains("## `douyin.item_daily_growth` (view)", fresh, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(generated);
        }
    }

    [Fact]
    public async Task Docs_OnADatabaseWithoutTheSchema_Exits1()
    {
        var database = await PostgresServer.CreateDatabaseAsync();

        Assert.Equal(1, await CommandLine.InvokeAsync(["docs", "--set", $"ConnectionStrings:Warehouse={database}"]));
    }

    private static string FirstDifference(string committed, string fresh)
    {
        var a = committed.Split('\n');
        var b = fresh.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var left = i < a.Length ? a[i] : "(end of file)";
            var right = i < b.Length ? b[i] : "(end of file)";
            if (left != right)
            {
                return $"line {i + 1}: committed \"{left}\", database \"{right}\"";
            }
        }

        return "none";
    }
}
