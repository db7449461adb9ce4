namespace DriftJobs.Storage.Blobs;

/// <summary>A create-only write found the blob already there; the blob was left unchanged.</summary>
internal sealed class BlobAlreadyExistsException : IOException
{
    public BlobAlreadyExistsException()
    {
    }

    public BlobAlreadyExistsException(string message)
        : base(message)
    {
    }

    public BlobAlreadyExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? BlobName { get; init; }
}
