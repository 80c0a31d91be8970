namespace DouyinEtl.Testing;

/// <summary>Files of the repository itself (deploy manifests, appsettings.json, Dockerfile), found from the test's bin folder.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DouyinEtl.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No DouyinEtl.sln above {AppContext.BaseDirectory}.");
    }
}
