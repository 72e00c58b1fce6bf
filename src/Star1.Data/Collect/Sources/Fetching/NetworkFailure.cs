using System.Net.Sockets;

namespace Star1.Data.Collect.Sources;

/// <summary>
/// Tells a dead network apart from a hiccup. A name that does not resolve or a port that refuses the
/// connection will not recover in the seconds a retry waits, and with no network every other file would
/// fail the same way: retrying them all cost minutes before anyone saw the reason. Timeouts, 5xx answers
/// and connections reset mid-body are left to the retry loop.
/// </summary>
internal static class NetworkFailure
{
    /// <summary>Why the host cannot be reached at all, or null when the failure may be transient.</summary>
    public static string? Unreachable(Exception failure)
    {
        if (failure is not HttpRequestException request) return null;
        var socket = Find<SocketException>(request);
        switch (socket?.SocketErrorCode)
        {
            case SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData:
                return $"the host name could not be resolved ({socket.Message})";
            case SocketError.ConnectionRefused:
                return $"the connection was refused ({socket.Message})";
            case SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown:
                return $"there is no route to the host ({socket.Message})";
            case SocketError.TimedOut:
                // A connect that timed out may be a slow or overloaded server: worth another try.
                return null;
        }
        return request.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => $"the host name could not be resolved ({request.Message})",
            HttpRequestError.ConnectionError => $"no connection could be made ({request.Message})",
            _ => null,
        };
    }

    private static T? Find<T>(Exception e) where T : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
            if (current is T found) return found;
        return null;
    }
}

/// <summary>The host of <see cref="Url"/> cannot be reached (no name resolution, connection refused).</summary>
internal sealed class UnreachableHostException(string url, string reason, Exception inner)
    : Exception($"{url}: {reason}", inner)
{
    public string Url { get; } = url;
    public string Reason { get; } = reason;
}
