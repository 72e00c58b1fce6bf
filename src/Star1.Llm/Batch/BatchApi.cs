namespace Star1.Llm.Batch;

/// <summary>What a batch reports when polled.</summary>
internal sealed record BatchStatus(string Status, string? OutputFileId, string? ErrorFileId, string? Errors)
{
    /// <summary>completed, failed, expired and cancelled are final; the others (validating, in_progress, finalizing, cancelling) are not.</summary>
    public bool Final => Status is "completed" or "failed" or "expired" or "cancelled";
}

/// <summary>The four calls batch mode makes; the OpenAI SDK's Files and Batch clients implement them.</summary>
internal interface IBatchApi
{
    Task<string> UploadAsync(BinaryData jsonl, string fileName, CancellationToken ct);
    Task<string> CreateAsync(string inputFileId, string completionWindow, CancellationToken ct);
    Task<BatchStatus> GetAsync(string batchId, CancellationToken ct);
    Task<BinaryData> DownloadAsync(string fileId, CancellationToken ct);
}
