using System.Text.Json.Nodes;

namespace DouyinEtl.UnitTests.Deploy;

/// <summary>
/// The deploy artifacts are checked like code: every Kubernetes manifest and the compose file validate against the
/// vendored schemas, and every registered job has a daemon schedule and a CronJob with the same schedule — so a job
/// merged without them fails here, not in production.
/// </summary>
public sealed class DeployManifestTests
{
    private static readonly string KubernetesDirectory = Repository.PathOf("deploy", "k8s");

    public static TheoryData<string> KubernetesFiles() =>
        [.. Directory.GetFiles(KubernetesDirectory, "*.yaml", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Repository.Root, f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(KubernetesFiles))]
    public async Task KubernetesManifest_IsValidAgainstTheKubernetesSchema(string file)
    {
        var documents = ManifestSchemas.ReadYaml(await File.ReadAllTextAsync(Repository.PathOf(file)));

        Assert.NotEmpty(documents);
        foreach (var document in documents)
        {
            Assert.NotNull(document);
            var errors = await ManifestSchemas.ValidateKubernetesAsync(document);
            Assert.True(errors.Count == 0, $"{file} ({document["kind"]}): {string.Join("; ", errors)}");
        }
    }

    [Theory]
    [InlineData("concurrencyPolicy: Forbid", "concurencyPolicy: Forbid")]
    [InlineData("startingDeadlineSeconds: 600", "startingDeadlineSeconds: soon")]
    [InlineData("backoffLimit: 0", "backoffLimit: none")]
    [InlineData("readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true")]
    [InlineData("              args: [\"run\", \"item-list\"]", "              args: run item-list")]
    public async Task KubernetesValidator_RejectsABrokenCronJob(string good, string broken)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(KubernetesDirectory, "cronjobs", "item-list.yaml"));
        Assert.Contains(good, text, StringComparison.Ordinal);

        var errors = await ManifestSchemas.ValidateKubernetesAsync(ManifestSchemas.ReadYaml(text.Replace(good, broken, StringComparison.Ordinal))[0]!);

        Assert.NotEmpty(errors);
    }

    [Fact]
    public async Task ComposeFile_IsValidAgainstTheComposeSpecification()
    {
        var compose = ManifestSchemas.ReadYaml(await File.ReadAllTextAsync(Repository.PathOf("deploy", "docker-compose.yml")))[0]!;

        var errors = await ManifestSchemas.ValidateComposeAsync(compose);

        Assert.True(errors.Count == 0, string.Join("; ", errors));
        Assert.Equal(["metabase", "migrate", "postgres", "sandbox", "worker"], compose["services"]!.AsObject().Select(s => s.Key).Order(StringComparer.Ordinal));
        foreach (var secret in compose["secrets"]!.AsObject())
        {
            Assert.True(File.Exists(Repository.PathOf("deploy", (string)secret.Value!["file"]!)), $"compose secret {secret.Key} names a missing file");
        }
    }

    [Theory]
    [InlineData("    command: [\"daemon\"]", "    comand: [\"daemon\"]")]
    [InlineData("      - \"127.0.0.1:9464:9464\"", "      - {target: nine}")]
    public async Task ComposeValidator_RejectsABrokenFile(string good, string broken)
    {
        var text = await File.ReadAllTextAsync(Repository.PathOf("deploy", "docker-compose.yml"));
        Assert.Contains(good, text, StringComparison.Ordinal);

        var errors = await ManifestSchemas.ValidateComposeAsync(ManifestSchemas.ReadYaml(text.Replace(good, broken, StringComparison.Ordinal))[0]!);

        Assert.NotEmpty(errors);
    }

    [Fact]
    public void EveryRegisteredJob_HasADaemonScheduleAndACronJobWithTheSameSchedule()
    {
        var settings = JsonNode.Parse(File.ReadAllText(Repository.PathOf("appsettings.json")))!;
        var schedules = settings["Daemon"]!["Jobs"]!.AsObject();
        var cronJobs = Directory.GetFiles(Path.Combine(KubernetesDirectory, "cronjobs"), "*.yaml")
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => ManifestSchemas.ReadYaml(File.ReadAllText(f))[0]!, StringComparer.Ordinal);

        Assert.NotEmpty(RegisteredJobs.Names);
        foreach (var job in RegisteredJobs.Names)
        {
            var cron = (string?)schedules[job]?["Cron"];
            Assert.True(cron is not null, $"appsettings.json has no Daemon:Jobs:{job}:Cron: add the job's daemon schedule (Quartz cron, Asia/Shanghai).");
            Assert.True(cronJobs.TryGetValue(job, out var manifest), $"deploy/k8s/cronjobs/{job}.yaml is missing: copy cronjobs/item-list.yaml and change the name, args and schedule.");

            var spec = manifest["spec"]!;
            var container = spec["jobTemplate"]!["spec"]!["template"]!["spec"]!["containers"]![0]!;
            Assert.Equal("CronJob", (string?)manifest["kind"]);
            Assert.Equal($"douyin-etl-{job}", (string?)manifest["metadata"]!["name"]);
            Assert.Equal(["run", job], container["args"]!.AsArray().Select(a => (string?)a));
            Assert.Equal("Forbid", (string?)spec["concurrencyPolicy"]);
            Assert.Equal("Asia/Shanghai", (string?)spec["timeZone"]);
            Assert.Equal(CrontabOf(cron), (string?)spec["schedule"]);
        }

        Assert.Empty(cronJobs.Keys.Except(RegisteredJobs.Names));
        Assert.Empty(schedules.Where(s => (bool?)s.Value!["Enabled"] != false).Select(s => s.Key).Except(RegisteredJobs.Names));
    }

    [Fact]
    public void DaemonDeployment_ProbesAndScrapesTheEndpointsTheDaemonServes()
    {
        var deployment = ManifestSchemas.ReadYaml(File.ReadAllText(Path.Combine(KubernetesDirectory, "daemon", "deployment.yaml")))[0]!;
        var settings = JsonNode.Parse(File.ReadAllText(Repository.PathOf("appsettings.json")))!;
        var port = new Uri(((string)settings["Daemon"]!["Urls"]!).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;

        var pod = deployment["spec"]!["template"]!;
        var container = pod["spec"]!["containers"]![0]!;
        Assert.Equal(["daemon"], container["args"]!.AsArray().Select(a => (string?)a));
        Assert.Equal(port, (long)container["ports"]![0]!["containerPort"]!);
        Assert.Equal("/health/live", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/health/ready", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        Assert.Equal(port.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)pod["metadata"]!["annotations"]!["prometheus.io/port"]);
        Assert.True((long)pod["spec"]!["terminationGracePeriodSeconds"]! >= 35, "the pod must outlive Sync:ShutdownGrace (20 s) plus the hand-back");
        Assert.True((long)deployment["spec"]!["replicas"]! >= 2, "the point of the cluster is a second replica");
    }

    /// <summary>Quartz "0 5 * * * ?" (with seconds) as crontab "5 * * * *"; only whole-minute schedules translate.</summary>
    private static string CrontabOf(string quartz)
    {
        var fields = quartz.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(fields.Length == 6 && fields[0] == "0", $"Daemon cron '{quartz}' must be 6 fields with seconds 0 to have a CronJob equivalent.");
        return string.Join(' ', fields.Skip(1).Select(f => f == "?" ? "*" : f));
    }

    [Fact]
    public async Task SandboxTarget_PublishesOnlyTheSandbox_AndComposeBuildsItFromThatTarget()
    {
        var dockerfile = await File.ReadAllTextAsync(Repository.PathOf("Dockerfile"));
        var stages = dockerfile.Split("\nFROM ", StringSplitOptions.None);
        var sandboxBuild = stages.Single(s => s.Contains(" AS sandbox-build", StringComparison.Ordinal));
        var sandbox = stages.Single(s => s.Contains(" AS sandbox\n", StringComparison.Ordinal));

        Assert.Contains("RUN dotnet publish src/DouyinEtl.Sandbox/DouyinEtl.Sandbox.csproj", sandboxBuild, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/douyin-sandbox.dll\"]", sandbox, StringComparison.Ordinal);
        Assert.DoesNotContain(" AS sandbox", stages[^1], StringComparison.Ordinal);

        var compose = ManifestSchemas.ReadYaml(await File.ReadAllTextAsync(Repository.PathOf("deploy", "docker-compose.yml")))[0]!;
        Assert.Equal("sandbox", (string?)compose["services"]!["sandbox"]!["build"]!["target"]);
        Assert.Equal("douyin-etl:local", (string?)compose["services"]!["worker"]!["image"]);
        Assert.Null(compose["services"]!["worker"]!["build"]!["target"]);
    }
}
