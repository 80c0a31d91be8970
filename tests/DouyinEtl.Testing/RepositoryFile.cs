namespace DouyinEtl.Testing;

/// <summary>Files of the repository itself (docs checked by tests), found by walking up from the test binaries to DouyinEtl.sln.</summary>
internal static class RepositoryFile
{
    public static string PathOf(string relativePath)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DouyinEtl.sln")))
            {
                return Path.Combine(directory.FullName, relativePath);
            }
        }

        throw new InvalidOperationException($"DouyinEtl.sln not found above {AppContext.BaseDirectory}: the tests must run from a checkout.");
    }
}
