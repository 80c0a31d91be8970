using System.Runtime.InteropServices;
using DouyinEtl.Sandbox;
using Microsoft.Extensions.Configuration;

// Standalone sandbox for docker-compose and manual poking: `douyin-sandbox --urls http://127.0.0.1:8080 --Sandbox:Accounts 5`.
var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables()
    .AddCommandLine(args)
    .Build();
var options = new SandboxOptions();
configuration.GetSection("Sandbox").Bind(options);
var url = configuration["urls"] ?? "http://127.0.0.1:8080";

await using var server = await SandboxServer.StartAsync(options, url);
Console.WriteLine($"TikHub sandbox listening on {server.BaseUrl} (API key: {options.ApiKey}); accounts at {server.BaseUrl}/sandbox/accounts");
var stopped = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopped.TrySetResult();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stopped.TrySetResult();

// `docker stop` and Kubernetes send SIGTERM; the embedded web host swallows it, so it is handled here.
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stopped.TrySetResult();
});
await stopped.Task;
