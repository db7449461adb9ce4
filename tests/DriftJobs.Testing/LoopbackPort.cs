using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace DriftJobs.Testing;

public static class LoopbackPort
{
    // Held for the test process's lifetime: a port merely released could be taken by the next Azurite that any test
    // project starts meanwhile, which then answers where a test expects refusals.
    private static readonly ConcurrentBag<Socket> Reserved = [];

    /// <summary>
    /// A loopback port nobody listens on and nobody else can take: a socket is bound to it and never listens, so every
    /// connection to it is refused at once, for as long as the test process runs.
    /// </summary>
    public static int Closed()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Reserved.Add(socket);
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
