using System.Diagnostics;

namespace DouyinEtl.Tests.Deploy;

public sealed class SystemdUnitTests
{
    private static readonly string Unit = Repository.PathOf("deploy", "systemd", "douyin-etl.service");

    /// <summary>systemd's own checker: unknown keys, bad values and a missing executable are reported (on this machine's dotnet).</summary>
    [Fact]
    public async Task Unit_PassesSystemdAnalyzeVerify()
    {
        var directory = Directory.CreateTempSubdirectory("douyin-etl-unit-");
        try
        {
            var copy = Path.Combine(directory.FullName, "douyin-etl.service");
            var dotnet = File.Exists("/usr/bin/dotnet") ? "/usr/bin/dotnet" : Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", "..", "dotnet");
            await File.WriteAllTextAsync(copy, (await File.ReadAllTextAsync(Unit)).Replace("/usr/bin/dotnet", Path.GetFullPath(dotnet), StringComparison.Ordinal));

            var output = await VerifyAsync(copy);

            Assert.True(output.Length == 0, "systemd-analyze verify: " + output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Unit_StopsGracefullyWithinTheGraceAndReadsSecretsAsCredentials()
    {
        var lines = File.ReadAllLines(Unit);

        Assert.Contains("ExecStart=/usr/bin/dotnet /opt/douyin-etl/douyin-etl.dll daemon", lines);
        Assert.Contains("KillSignal=SIGTERM", lines);
        Assert.Contains("Environment=Secrets__Directory=%d", lines);
        Assert.Contains("RestartPreventExitStatus=64", lines);
        var stop = int.Parse(lines.Single(l => l.StartsWith("TimeoutStopSec=", StringComparison.Ordinal))["TimeoutStopSec=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(stop >= 35, "TimeoutStopSec must outlive Sync:ShutdownGrace (20 s) plus recording the run");
        Assert.Contains(lines, l => l.StartsWith("LoadCredential=TikHub__ApiKey:", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("User=root", StringComparison.Ordinal));
    }

    private static async Task<string> VerifyAsync(string unit)
    {
        if (!File.Exists("/usr/bin/systemd-analyze") && !File.Exists("/bin/systemd-analyze"))
        {
            Assert.Fail("systemd-analyze is missing: install systemd (Debian: apt-get install systemd), as .ci/run does.");
        }

        var start = new ProcessStartInfo("systemd-analyze", ["verify", unit]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (stdout + stderr).Trim();
    }
}
