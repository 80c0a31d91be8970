using DouyinEtl.Sync;

namespace DouyinEtl.UnitTests.Sync;

/// <summary>How long a unit waits for the database between its runs, retry by retry, until Sync:DatabaseRetryFor is spent.</summary>
public sealed class OutageDelayTests
{
    [Theory]
    [InlineData(60, new[] { 1.0, 1, 2, 4, 8, 16, 28 })]
    [InlineData(2, new[] { 1.0, 1 })]
    [InlineData(5, new[] { 1.0, 1, 2, 1 })]
    [InlineData(0.5, new[] { 0.5 })]
    [InlineData(0, new double[0])]
    public void OutageDelay_DoublesFromOneSecond_AndEndsAtTheLimit(double retryForSeconds, double[] expected)
    {
        var retryFor = TimeSpan.FromSeconds(retryForSeconds);
        var delays = new List<double>();
        for (var retry = 0; RunContext.OutageDelay(retry, retryFor) is { } delay; retry++)
        {
            delays.Add(delay.TotalSeconds);
        }

        Assert.Equal(expected, delays);
        Assert.Equal(retryForSeconds, delays.Sum(), 6);
    }
}
