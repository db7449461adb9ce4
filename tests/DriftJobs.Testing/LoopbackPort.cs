using System.Net;
using System.Net.Sockets;

namespace DriftJobs.Testing;

public static class LoopbackPort
{
    /// <summary>A loopback port nobody listens on (taken, then released): connections to it are refused at once.</summary>
    public static int Closed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
