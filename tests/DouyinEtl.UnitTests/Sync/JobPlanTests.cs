using DouyinEtl.Configuration;
using DouyinEtl.Sync;

namespace DouyinEtl.UnitTests.Sync;

public sealed class JobPlanTests
{
    private static readonly Account A = new("a", "A", "cookie-a");
    private static readonly Account B = new("b", "B", "cookie-b");
    private static readonly Account C = new("c", "C", "cookie-c");

    [Fact]
    public void Interleaved_StartsEveryAccountsNewestUnitFirst_AndReportsEachAccountsUnits()
    {
        // Given account by account, newest first, as the jobs plan them; C has nothing due.
        var plan = JobPlan.Interleaved("s", "windows", [A, B, C], [Unit(A, "a1"), Unit(A, "a2"), Unit(A, "a3"), Unit(A, "a4"), Unit(B, "b1"), Unit(B, "b2")]);

        Assert.Equal(["a1", "b1", "a2", "b2", "a3", "a4"], plan.Units.Select(u => u.Scope));
        Assert.Equal(6, plan.Count);
        Assert.Equal(
            [new DueWork("a", 4, "windows", "a1, a2, a3, …"), new DueWork("b", 2, "windows", "b1, b2"), new DueWork("c", 0, "windows", null)],
            plan.Due);
    }

    private static PlannedUnit Unit(Account account, string scope) => new(account, scope, (_, _) => Task.CompletedTask);
}
