using DouyinEtl.Cli;

namespace DouyinEtl.Demo;

/// <summary><c>douyin-demo</c>: every verb of <c>douyin-etl</c>, plus <c>demo</c>, which only this binary ships.</summary>
internal static class DemoProgram
{
    public static Task<int> InvokeAsync(string[] args) => CommandLine.InvokeAsync(args, DemoCommand.Create());
}
