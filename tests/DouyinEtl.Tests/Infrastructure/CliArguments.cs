namespace DouyinEtl.Tests.Infrastructure;

/// <summary>
/// Settings as arguments of the real command line, passed the way an operator must: the TikHub key and the cookies as
/// files of a secrets directory (<c>--set Secrets:Directory=…</c>; <c>--set</c> refuses secrets), the rest as <c>--set Key=Value</c>.
/// </summary>
internal static class CliArguments
{
    private static readonly Lock Gate = new();
    private static readonly List<DirectoryInfo> Directories = [];

    static CliArguments() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        lock (Gate)
        {
            foreach (var directory in Directories)
            {
                directory.Delete(recursive: true);
            }
        }
    };

    public static string[] From(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var directory = Directory.CreateTempSubdirectory("douyin-etl-test-secrets-");
        lock (Gate)
        {
            Directories.Add(directory);
        }

        var args = new List<string> { "--set", $"Secrets:Directory={directory.FullName}" };
        foreach (var (key, value) in settings)
        {
            if (IsSecret(key))
            {
                File.WriteAllText(Path.Combine(directory.FullName, key.Replace(":", "__", StringComparison.Ordinal)), value);
            }
            else
            {
                args.AddRange(["--set", $"{key}={value}"]);
            }
        }

        return [.. args];
    }

    private static bool IsSecret(string key) =>
        key.Split(':') is ["TikHub", "ApiKey"] or ["Accounts", _, "Cookie"];
}
