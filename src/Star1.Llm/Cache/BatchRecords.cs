namespace Star1.Llm.Cache;

/// <summary>A batch sent to a provider's Batch API, remembered so that a killed run polls it instead of paying again.</summary>
public sealed record BatchRecord(string BatchId, string InputFileId, int Requests, string State);

/// <summary>The batches table: written the moment a batch is created, marked collected once its answers are stored.</summary>
public sealed partial class RequestCache
{
    public const string BatchSubmitted = "submitted";
    public const string BatchCollected = "collected";

    internal void SaveBatch(BatchRecord record)
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "INSERT OR REPLACE INTO batches(batch_id, input_file_id, requests, state, created_utc) VALUES($id, $file, $n, $state, $at)";
            cmd.Parameters.AddWithValue("$id", record.BatchId);
            cmd.Parameters.AddWithValue("$file", record.InputFileId);
            cmd.Parameters.AddWithValue("$n", record.Requests);
            cmd.Parameters.AddWithValue("$state", record.State);
            cmd.Parameters.AddWithValue("$at", DateTime.UtcNow.ToString("O"));
            cmd.ExecuteNonQuery();
        }
    }

    internal void MarkBatch(string batchId, string state)
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "UPDATE batches SET state = $state WHERE batch_id = $id";
            cmd.Parameters.AddWithValue("$id", batchId);
            cmd.Parameters.AddWithValue("$state", state);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Batches created but not yet collected (in flight, or left by a run that was killed).</summary>
    public IReadOnlyList<BatchRecord> OpenBatches()
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT batch_id, input_file_id, requests, state FROM batches WHERE state = $state ORDER BY created_utc";
            cmd.Parameters.AddWithValue("$state", BatchSubmitted);
            using var reader = cmd.ExecuteReader();
            var list = new List<BatchRecord>();
            while (reader.Read()) list.Add(new BatchRecord(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3)));
            return list;
        }
    }
}
