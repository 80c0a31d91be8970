using DouyinEtl.Cli;

return await CommandLine.InvokeAsync(args);
