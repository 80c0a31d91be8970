using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.Hosting;

namespace DouyinEtl.Tests.Reliability;

/// <summary>
/// A full sync while the sandbox mutates a third of its answers (fields removed, types changed, huge strings, odd
/// Unicode, nesting changed; cut-off, corrupted, foreign and oddly filled workbooks): no job crashes, every answer served
/// is landed, each mutated one exactly as served, and the mutations the worker cannot read are problems naming their call.
/// The reliability benchmark does this for more than a thousand answers and checks every change against an unmutated warehouse.
/// </summary>
public sealed class MutatedPayloadTests
{
    [Fact]
    public async Task FullSync_WithAThirdOfTheAnswersMutated_CrashesNothingAndKeepsEveryAnswerExactly()
    {
        await using var harness = await Harness.StartAsync(s =>
        {
            FullSyncFaultTests.SmallWorld(s);
            s.Faults = new FaultOptions { Seed = 21, MutationRate = 0.33 };
        });

        var summaries = await FullSync.RunAsync(harness);

        Assert.All(summaries, s => Assert.Null(s.Error));
        Assert.Equal(harness.Sandbox.Calls.TotalRequests, await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call"));
        var mutations = await LandedMutations.FindAsync(harness);
        Assert.True(mutations.Count > 50, $"only {mutations.Count} mutations");
        Assert.All(mutations, m => Assert.True(m.KeptExactly, $"{m.Mutation.Endpoint} {m.Mutation.Kind} {m.Mutation.Path}: {m.Why}"));
        foreach (var kind in new[] { MutationKind.OddUnicode, MutationKind.TypeChanged, MutationKind.HugeString })
        {
            Assert.Contains(mutations, m => m.Mutation.Kind == kind && m.ProblemRecorded);
        }

        // Unpaired surrogates and U+0000 no longer keep an answer from landing or fail its unit.
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Contains("UTF-16", StringComparison.Ordinal) || l.Contains("0x00", StringComparison.Ordinal) || l.Contains("index row", StringComparison.Ordinal));
    }
}
