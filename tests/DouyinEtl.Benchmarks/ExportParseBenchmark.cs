using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using DouyinEtl.Json;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.Endpoints;
using DouyinEtl.Sandbox.World;
using DouyinEtl.Streams.ItemExport;

namespace DouyinEtl.Benchmarks;

/// <summary>
/// How long the worker takes to read a full "作品列表导出.xlsx" (1000 rows, the export's cap) from its bytes and join
/// it to the account's works: the per-call CPU cost of the item-export job, separate from network and database.
/// </summary>
internal static class ExportParseBenchmark
{
    public static Task RunAsync(int iterations)
    {
        var now = new DateTimeOffset(2026, 11, 20, 10, 30, 0, TimeSpan.Zero);
        var world = new SandboxWorld(new SandboxOptions { Accounts = 1, ItemsPerAccount = 1300, ForwardDays = 0, Variant = PayloadVariant.RealWorld }, ShanghaiClock.Day(now));
        var account = world.Accounts[0];
        var sheet = ItemExportSheet.Build(world, account, new ExportQuery(0, now.ToUnixTimeMilliseconds(), ExportQuery.AllGenres, true), now);
        var bytes = ItemExportEndpoint.Write(sheet);
        var works = world.VisibleItems(account.Id, now).Select(i => new KnownItem(i.Id, i.Title, i.PublishTime)).ToList();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} cores, {RuntimeInformation.ProcessArchitecture}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"workbook: {sheet.Rows.Count} rows × {sheet.Headers.Count} columns, {bytes.Length / 1024.0:0.0} KiB (real-world value formats); {works.Count} known works to join"));

        var cold = Stopwatch.StartNew();
        var rows = ExportWorkbook.Read(bytes, new PayloadProblems()).Rows;
        cold.Stop();
        if (rows.Count != sheet.Rows.Count)
        {
            throw new InvalidOperationException($"read {rows.Count} rows of {sheet.Rows.Count}");
        }

        for (var i = 0; i < 3; i++)
        {
            ExportWorkbook.Read(bytes, new PayloadProblems());
        }

        var parse = new List<double>();
        var match = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            rows = ExportWorkbook.Read(bytes, new PayloadProblems()).Rows;
            parse.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            var matches = ExportMatcher.Match(rows, works);
            match.Add(watch.Elapsed.TotalMilliseconds);
            GC.KeepAlive(matches);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first read (cold, JIT included): {cold.Elapsed.TotalMilliseconds:0} ms"));
        Print("read 1000 rows (warm)", parse);
        Print("join 1000 rows to works", match);
        return Task.CompletedTask;
    }

    private static void Print(string what, List<double> samples)
    {
        var sorted = samples.Order().ToList();
        double At(double q) => sorted[(int)Math.Min(sorted.Count - 1, Math.Round(q * (sorted.Count - 1)))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: median {At(0.5):0.0} ms, min {sorted[0]:0.0}, p90 {At(0.9):0.0}, max {sorted[^1]:0.0} over {sorted.Count} runs"));
    }
}
