using DouyinEtl.Cli;
using DouyinEtl.Daemon;
using DouyinEtl.Hosting;
using DouyinEtl.Sync;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace DouyinEtl.Tests.Daemon;

public sealed class DaemonConfigurationTests
{
    private static readonly Dictionary<string, string?> Valid = TestCredentials.ValidSettings;

    [Theory]
    [InlineData("Daemon:Jobs:item-list:Cron", "every hour", "Daemon:Jobs:item-list:Cron 'every hour' is not a Quartz cron expression")]
    [InlineData("Daemon:Urls", "ftp://0.0.0.0:21", "Daemon:Urls 'ftp://0.0.0.0:21'")]
    [InlineData("Daemon:CheckinMisfireThreshold", "00:00:01", "Daemon:CheckinMisfireThreshold (00:00:01) must not be shorter than Daemon:CheckinInterval")]
    [InlineData("Daemon:IdleWaitTime", "00:00:00.1", "Daemon:IdleWaitTime must be at least 00:00:01")]
    [InlineData("Daemon:JoinSharedRunsEvery", "-00:00:01", "Daemon:JoinSharedRunsEvery must be between 00:00:00 (off) and 01:00:00")]
    public void Validate_BadDaemonSetting_NamesTheKey(string key, string value, string expected)
    {
        var failures = Failures(new Dictionary<string, string?>(Valid) { [key] = value });

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ShippedDefaults_AreValid() => Assert.Empty(Failures(Valid));

    [Fact]
    public void ARegisteredJobWithoutASchedule_IsNamedWithTheVariableToSet()
    {
        using var host = WorkerHost.CreateBuilder(WorkerRole.Jobs, Valid).Build();
        var jobs = host.Services.GetRequiredService<JobRunner>().Jobs;

        var missing = DaemonSchedule.MissingSchedules(jobs, new DaemonOptions());
        var unknown = DaemonSchedule.UnknownSchedules(jobs, new DaemonOptions { Jobs = { ["item-lists"] = new JobSchedule { Cron = "0 0 * * * ?" } } });

        Assert.Equal(jobs.Count, missing.Count);
        Assert.Contains(missing, m => m.StartsWith("Daemon:Jobs:item-list:Cron is missing", StringComparison.Ordinal) && m.Contains("Daemon__Jobs__item-list__Cron", StringComparison.Ordinal));
        Assert.StartsWith("Daemon:Jobs:item-lists names no job. Jobs: item-list", Assert.Single(unknown), StringComparison.Ordinal);
        Assert.Empty(DaemonSchedule.UnknownSchedules(jobs, new DaemonOptions { Jobs = { ["retired-job"] = new JobSchedule { Enabled = false } } }));
    }

    [Theory]
    [InlineData("Daemon:Jobs:item-list:Cron=every hour")]
    [InlineData("Daemon:Jobs:no-such-job:Cron=0 0 * * * ?")]
    [InlineData("Daemon:Urls=not a url")]
    public async Task DaemonCommand_BadSchedule_Exits64BeforeStartingAnything(string setting)
    {
        var args = CliArguments.From(Valid).Concat(["--set", setting, "--set", "Warehouse:MigrateOnStart=false"]);

        Assert.Equal(64, await CommandLine.InvokeAsync(["daemon", .. args]));
    }

    [Fact]
    public void TheSyncJob_IsNonConcurrentAcrossTheCluster()
    {
        Assert.True(typeof(SyncJobAdapter).IsDefined(typeof(DisallowConcurrentExecutionAttribute), inherit: false));
    }

    private static IReadOnlyList<string> Failures(IReadOnlyDictionary<string, string?> settings)
    {
        using var host = WorkerHost.CreateBuilder(WorkerRole.Daemon, settings).Build();
        return WorkerHost.Validate(host.Services);
    }
}
