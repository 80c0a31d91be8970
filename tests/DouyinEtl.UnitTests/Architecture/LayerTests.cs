using System.Text.RegularExpressions;

namespace DouyinEtl.UnitTests.Architecture;

/// <summary>
/// The engine folders of the worker form layers (Sync over Upstream over Warehouse and Observability, all over Runs):
/// a folder uses another through a <c>using DouyinEtl.X;</c> line or a <c>DouyinEtl.X.</c> name, and no chain of such
/// uses comes back to where it started.
/// </summary>
public sealed partial class LayerTests
{
    private static readonly string[] EngineFolders = ["Runs", "Json", "Observability", "Warehouse", "Upstream", "Sync"];

    [Fact]
    public void EngineFolders_UseEachOtherWithoutACycle()
    {
        var uses = EngineFolders.ToDictionary(folder => folder, folder => Uses(folder).Intersect(EngineFolders).ToList());

        var cycles = EngineFolders.Select(folder => CycleFrom(folder, uses)).OfType<string>().ToList();

        Assert.True(cycles.Count == 0, "cycles: " + string.Join("; ", cycles));
        Assert.Contains("Upstream", uses["Sync"]);
        Assert.Contains("Warehouse", uses["Upstream"]);
    }

    [Theory]
    [InlineData("Runs")]
    [InlineData("Json")]
    public void BottomFolders_UseNoOtherFolder(string folder) => Assert.Empty(Uses(folder));

    private static HashSet<string> Uses(string folder)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Repository.PathOf("src", "DouyinEtl", folder), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match match in FolderReference().Matches(File.ReadAllText(file)))
            {
                used.Add(match.Groups[1].Value);
            }
        }

        used.Remove(folder);
        return used;
    }

    /// <summary>A path of uses from <paramref name="start"/> back to it, as "A -> B -> A"; null when there is none.</summary>
    private static string? CycleFrom(string start, Dictionary<string, List<string>> uses)
    {
        var paths = new Queue<List<string>>([[start]]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (paths.TryDequeue(out var path))
        {
            foreach (var next in uses[path[^1]])
            {
                if (next == start)
                {
                    return string.Join(" -> ", path.Append(start));
                }

                if (seen.Add(next))
                {
                    paths.Enqueue([.. path, next]);
                }
            }
        }

        return null;
    }

    [GeneratedRegex(@"(?:^using |\b)DouyinEtl\.([A-Z][A-Za-z]+)(?:;|\.)", RegexOptions.Multiline)]
    private static partial Regex FolderReference();
}
