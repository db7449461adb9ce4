using DriftJobs.Baseline;
using DriftJobs.Hosting;

return await JobHost.RunAsync(args, BaselineJob.Definition, builder => builder.AddBaselineJob());
