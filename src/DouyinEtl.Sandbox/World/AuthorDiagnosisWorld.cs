namespace DouyinEtl.Sandbox.World;

/// <summary>One dimension of the account diagnosis (账号诊断) for one day.</summary>
public sealed record DiagnosisValue(string Dimension, decimal OwnValue, long SimilarCount, decimal AuthorRank, decimal SimilarRank, decimal SimilarValue);

/// <summary>
/// The account diagnosis, a deterministic function of (seed, account, day). The creator center recomputes it once a day:
/// yesterday's numbers appear at 12:00 Beijing time, so before noon it still shows the day before yesterday.
/// </summary>
public static class AuthorDiagnosisWorld
{
    public static readonly IReadOnlyList<string> Dimensions = ["Interact", "NewFans", "PlayCnt", "PlayFinishRatio", "PublishActivation"];

    /// <summary>The day whose data the diagnosis shows at <paramref name="now"/>.</summary>
    public static DateOnly DataDay(DateTimeOffset now) => ShanghaiClock.Day(now.AddHours(-12)).AddDays(-1);

    public static IReadOnlyList<DiagnosisValue> For(SandboxWorld world, SandboxAccount account, DateOnly dataDay)
    {
        var random = AccountRandom.For(world, AccountRandom.IndexOf(world, account), salt: 2, dataDay);
        var similarCount = 1_000_000_000L + random.NextInt64(1_000_000_000L);
        decimal Rank() => Math.Round((decimal)random.NextDouble(), 4);

        // Published works over the seven days that end on the data day, as the diagnosis counts them.
        var published = world.VisibleItems(account.Id, ShanghaiClock.StartOfDay(dataDay.AddDays(1)))
            .Count(i => ShanghaiClock.Day(i.PublishTime) > dataDay.AddDays(-7));

        return
        [
            new("Interact", Math.Round(0.001m + ((decimal)random.NextDouble() * 0.1m), 4), similarCount, Rank(), Rank(), Math.Round(0.01m + ((decimal)random.NextDouble() * 0.2m), 4)),
            new("NewFans", random.Next(-5, 300), similarCount, Rank(), Rank(), random.Next(0, 100)),
            new("PlayCnt", random.Next(0, 200_000), similarCount, Rank(), Rank(), random.Next(10, 50_000)),
            new("PlayFinishRatio", Math.Round(0.05m + ((decimal)random.NextDouble() * 0.55m), 4), similarCount, Rank(), Rank(), Math.Round(0.05m + ((decimal)random.NextDouble() * 0.3m), 4)),
            new("PublishActivation", published, similarCount, Rank(), Rank(), random.Next(0, 15)),
        ];
    }
}
