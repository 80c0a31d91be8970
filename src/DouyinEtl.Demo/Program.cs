using DouyinEtl.Demo;

return await DemoProgram.InvokeAsync(args);
