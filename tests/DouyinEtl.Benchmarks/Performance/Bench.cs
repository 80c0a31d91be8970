using System.Globalization;
using System.Runtime.InteropServices;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary>Printing and statistics shared by the performance benchmarks.</summary>
internal static class Bench
{
    /// <summary>The 1-, 5- and 15-minute load averages: the machine is shared, so every figure says how busy it was.</summary>
    public static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{fields[0]} {fields[1]} {fields[2]}";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    public static string Machine() => string.Create(CultureInfo.InvariantCulture,
        $"{RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB");

    public static void Heading(string title)
    {
        Console.WriteLine();
        Console.WriteLine($"== {title}   [load {LoadAverage()}]");
    }

    public static void Line(FormattableString text) => Console.WriteLine(text.ToString(CultureInfo.InvariantCulture));

    public static string Goal(bool met) => met ? "goal met" : "GOAL MISSED";

    /// <summary>"median m (min a – max b, n runs)" in the given format.</summary>
    public static string Spread(IReadOnlyCollection<double> samples, string format)
    {
        var sorted = samples.Order().ToList();
        var median = Median(sorted);
        return sorted.Count == 1
            ? median.ToString(format, CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture,
                $"median {median.ToString(format, CultureInfo.InvariantCulture)} (min {sorted[0].ToString(format, CultureInfo.InvariantCulture)} – max {sorted[^1].ToString(format, CultureInfo.InvariantCulture)}, {sorted.Count} runs)");
    }

    public static double Median(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
