using DriftJobs.Detector;
using DriftJobs.Hosting;

return await JobHost.RunAsync(args, DetectorJob.Definition, builder => builder.AddDetector());
