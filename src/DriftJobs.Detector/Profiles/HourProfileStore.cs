using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DriftJobs.Core.Profiles;
using DriftJobs.Core.Serialization;
using DriftJobs.Storage;
using Microsoft.Extensions.Logging;

namespace DriftJobs.Detector.Profiles;

/// <summary>
/// Hour profiles in drift-profiles/{model}/{version}/{day}/{hour}Z.profile.json.gz. A stored profile is used only when
/// its key (format, model, baseline hash, hour) and its list of files equal the current ones exactly; one that cannot
/// be read or fails its own checks is reported as a WARNING and treated as absent, so the hour is read again and the
/// profile replaced. Writes are conditional on the ETag read: a racing run's profile is never overwritten by a torn
/// or older one (a blob upload is whole or nothing, and only one of two writers of the same state wins).
/// </summary>
internal sealed partial class HourProfileStore(BlobContainerClient container, ILogger<HourProfileStore> logger)
{
    /// <param name="buffers">Where the blob is downloaded, decompressed and counted (reused from hour to hour); null: new ones.</param>
    public async Task<StoredHourProfile> ReadAsync(
        BaselineProfile baseline, HourProfileKey expected, IReadOnlyList<HourFile> files, ProfileBuffers? buffers = null, CancellationToken cancellationToken = default)
    {
        var name = StorageLayout.HourProfileBlobName(expected.ModelName, expected.ModelVersion, expected.Hour);
        buffers ??= new ProfileBuffers(baseline, segmented: expected.SegmentColumns.Length > 0);
        ETag etag;
        try
        {
            var download = await container.GetBlobClient(name).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            using var content = download.Value;
            etag = content.Details.ETag;
            buffers.Download.SetLength(0);
            await content.Content.CopyToAsync(buffers.Download, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return new StoredHourProfile(null, null, 0);
        }

        var bytes = buffers.Download.Length;
        HourProfile profile;
        try
        {
            profile = HourProfileCodec.Read(buffers.Downloaded, baseline, $"{container.Name}/{name}", buffers.Window, buffers.Decompressed);
        }
        catch (InvalidDataException e)
        {
            LogUntrusted(logger, e.Message);
            return new StoredHourProfile(null, etag, bytes);
        }

        if (profile.Key.Mismatch(expected) is { } mismatch)
        {
            LogUntrusted(logger, $"Hour profile {container.Name}/{name} is not used: {mismatch}.");
            return new StoredHourProfile(null, etag, bytes);
        }

        if (FilesChange(profile.Files, files) is { } change)
        {
            // Late, deleted or rewritten files: expected, not a warning.
            LogStale(logger, expected.Hour, change);
            return new StoredHourProfile(null, etag, bytes);
        }

        return new StoredHourProfile(profile, etag, bytes);
    }

    /// <summary>
    /// Writes the profile in place of what was read (<paramref name="replacing"/>; null: only if there is none). False
    /// when another run wrote the hour in between: its profile stays, this one is used only by this run.
    /// </summary>
    /// <param name="serialized">The profile as <see cref="HourProfileCodec.Serialize"/> wrote it.</param>
    public async Task<bool> TryWriteAsync(HourProfileKey key, byte[] serialized, ETag? replacing, CancellationToken cancellationToken = default)
    {
        var name = StorageLayout.HourProfileBlobName(key.ModelName, key.ModelVersion, key.Hour);
        var conditions = replacing is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            await container.GetBlobClient(name).UploadAsync(
                new BinaryData(serialized),
                new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/gzip" } },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            LogRaced(logger, name);
            return false;
        }
    }

    /// <summary>
    /// Deletes the day folders of profiles whose every hour is before <paramref name="before"/>: one listing of the
    /// version's day folders (a few dozen), then only the old days' blobs. Returns the profiles deleted.
    /// </summary>
    public async Task<int> PruneAsync(string model, string version, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var root = StorageLayout.HourProfilesPrefix(model, version);
        var oldDays = new List<string>();
        await foreach (var item in container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Prefix = root, Delimiter = "/" }, cancellationToken).ConfigureAwait(false))
        {
            if (item.IsPrefix
                && DateTime.TryParseExact(item.Prefix[root.Length..].TrimEnd('/'), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day)
                && new DateTimeOffset(day, TimeSpan.Zero).AddDays(1) <= before)
            {
                oldDays.Add(item.Prefix);
            }
        }

        var deleted = 0;
        foreach (var day in oldDays)
        {
            await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = day }, cancellationToken).ConfigureAwait(false))
            {
                await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                deleted++;
            }
        }

        if (deleted > 0)
        {
            LogPruned(logger, deleted, oldDays.Count, before);
        }

        return deleted;
    }

    /// <summary>The first difference between the files profiled and the files listed now; null when they are the same.</summary>
    internal static string? FilesChange(IReadOnlyList<HourFile> profiled, IReadOnlyList<HourFile> current)
    {
        var then = profiled.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var file in current)
        {
            if (!then.Remove(file.Name, out var old))
            {
                return $"{file.Name} is new";
            }

            if (old != file)
            {
                return $"{file.Name} was rewritten";
            }
        }

        return then.Count > 0 ? $"{then.Keys.Order(StringComparer.Ordinal).First()} was deleted" : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reason} The hour is read again and its profile replaced.")]
    private static partial void LogUntrusted(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The hour {Hour:o} is read again: {Change} since its profile was made")]
    private static partial void LogStale(ILogger logger, DateTimeOffset hour, string change);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another run wrote {Profile} meanwhile; it is kept and this run's profile used only here")]
    private static partial void LogRaced(ILogger logger, string profile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Profiles} hour profiles of {Days} days before {Before:o}")]
    private static partial void LogPruned(ILogger logger, int profiles, int days, DateTimeOffset before);
}
