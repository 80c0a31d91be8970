using System.Diagnostics;
using System.Text.RegularExpressions;
using DouyinEtl.Runs;

namespace DouyinEtl.Tests.Deploy;

/// <summary>
/// There is no Docker engine here, so the image's build stage is replayed by hand: the build context is reduced to
/// exactly what the Dockerfile COPYs (minus .dockerignore), its publish command runs on that copy, and the result
/// must hold what the runtime stage's ENTRYPOINT runs, and start — and nothing fake: the sandbox is its own target.
/// </summary>
public sealed partial class DockerfileTests
{
    [Fact]
    public async Task BuildStage_PublishesARunnableWorkerFromOnlyWhatItCopies()
    {
        var dockerfile = await File.ReadAllLinesAsync(Repository.PathOf("Dockerfile"));
        var stages = string.Join('\n', dockerfile).Split("\nFROM ", StringSplitOptions.None);
        var build = stages.Single(s => s.Contains(" AS build", StringComparison.Ordinal)).Split('\n');
        var runtime = stages.Last().Split('\n');

        var work = Directory.CreateTempSubdirectory("douyin-etl-docker-");
        try
        {
            var workdir = Path.Combine(work.FullName, build.Single(l => l.StartsWith("WORKDIR ", StringComparison.Ordinal))["WORKDIR /".Length..]);
            Directory.CreateDirectory(workdir);
            var ignored = (await File.ReadAllLinesAsync(Repository.PathOf(".dockerignore")))
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .Select(l => l.Replace("**/", "", StringComparison.Ordinal).TrimEnd('/'))
                .ToHashSet(StringComparer.Ordinal);
            foreach (var copy in build.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal)))
            {
                var parts = copy["COPY ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var target = Path.Combine(workdir, parts[^1]);
                foreach (var source in parts[..^1])
                {
                    CopyContext(Repository.PathOf(source.TrimEnd('/')), source.EndsWith('/') ? target : Path.Combine(target, source), ignored);
                }
            }

            var publish = PublishCommand().Match(build.Single(l => l.StartsWith("RUN dotnet publish", StringComparison.Ordinal)));
            Assert.True(publish.Success, "the build stage should publish with `RUN dotnet publish … -o /app`");
            var output = Path.Combine(work.FullName, "app");
            var args = publish.Groups["args"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a == "/app" ? output : a).ToList();
            var (exitCode, log) = await RunAsync(workdir, ["publish", .. args, "-p:UseSharedCompilation=false", "-nodeReuse:false"]);
            Assert.True(exitCode == 0, "dotnet publish of the Dockerfile's context failed:\n" + log);

            var entrypoint = runtime.Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal));
            Assert.Contains("\"/app/douyin-etl.dll\"", entrypoint, StringComparison.Ordinal);
            foreach (var file in new[] { "douyin-etl.dll", "douyin-etl.runtimeconfig.json", "appsettings.json" })
            {
                Assert.True(File.Exists(Path.Combine(output, file)), $"the image would lack /app/{file}");
            }

            var fake = Directory.GetFiles(output).Select(Path.GetFileName).Where(f => f!.Contains("sandbox", StringComparison.OrdinalIgnoreCase) || f.Contains("demo", StringComparison.OrdinalIgnoreCase) || f.Contains("Testing", StringComparison.Ordinal)).ToList();
            Assert.True(fake.Count == 0, "the production image would ship " + string.Join(", ", fake));

            var user = runtime.Single(l => l.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..].Trim();
            Assert.True(int.TryParse(user, out var uid) && uid != 0, $"the runtime stage must run as a numeric non-root user, got USER {user}");
            Assert.Contains(runtime, l => l.StartsWith("CMD [\"daemon\"]", StringComparison.Ordinal));

            var (helpExit, help) = await RunAsync(output, [Path.Combine(output, "douyin-etl.dll"), "--help"]);
            Assert.True(helpExit == 0, help);
            Assert.Contains("daemon", help, StringComparison.Ordinal);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static void CopyContext(string source, string target, IReadOnlySet<string> ignored)
    {
        if (File.Exists(source))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
            return;
        }

        Assert.True(Directory.Exists(source), $"the Dockerfile copies {source}, which does not exist");
        Directory.CreateDirectory(target);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            if (!ignored.Contains(entry.Name))
            {
                CopyContext(entry.FullName, Path.Combine(target, entry.Name), ignored);
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string directory, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A clean child: no build servers left running, nothing inherited from the test host's own MSBuild.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Only a guard against a hung publish: a restore and publish take minutes on a machine busy with other builds.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"^RUN dotnet publish (?<args>.+)$")]
    private static partial Regex PublishCommand();
}
