using System.Text;

namespace DriftJobs.Storage.Csv;

/// <summary>
/// Streams RFC 4180 records: a comma between fields; CRLF, LF (or a lone CR) between records; a field in double
/// quotes may hold commas, line breaks and doubled quotes (""). UTF-8 with or without a byte-order mark. Lenient
/// where that is harmless: a quote inside an unquoted field is kept as a character, and blank lines are skipped.
/// Holds one record in memory at a time.
/// </summary>
internal sealed class CsvRecordReader : IDisposable
{
    /// <summary>A record longer than this is taken for a runaway quoted field rather than buffered forever.</summary>
    public const int MaxRecordChars = 16 * 1024 * 1024;

    private const int BufferChars = 64 * 1024;

    private readonly StreamReader _reader;
    private readonly string _fileName;
    private readonly char[] _buffer = new char[BufferChars];
    private readonly List<int> _fieldEnds = [];
    private char[] _record = new char[1024];
    private int _recordLength;
    private int _position;
    private int _available;
    private bool _endOfStream;
    private bool _skipLineFeed;
    private bool _atStart = true;
    private State _state;
    private long _line = 1;
    private long _quoteLine;

    public CsvRecordReader(Stream stream, string fileName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        _fileName = fileName;

        // Invalid UTF-8 is an error rather than silently becoming U+FFFD categories.
        _reader = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true),
            detectEncodingFromByteOrderMarks: true, bufferSize: BufferChars, leaveOpen: true);
    }

    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }

    /// <summary>The (1-based) line on which the current record starts.</summary>
    public long LineNumber { get; private set; }

    /// <summary>How many records have been read, the header included.</summary>
    public long RecordNumber { get; private set; }

    public int FieldCount => _fieldEnds.Count;

    public string FileName => _fileName;

    public ReadOnlySpan<char> Field(int index)
    {
        var start = index == 0 ? 0 : _fieldEnds[index - 1];
        return _record.AsSpan(start, _fieldEnds[index] - start);
    }

    /// <summary>Reads the next record; false at the end of the file.</summary>
    /// <exception cref="InvalidDataException">An unterminated quote, text after a closing quote, or bytes that are
    /// not UTF-8; the message names the file and line.</exception>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        _fieldEnds.Clear();
        _recordLength = 0;
        _state = State.FieldStart;
        LineNumber = 0;
        while (true)
        {
            if (_position == _available)
            {
                if (_endOfStream)
                {
                    return FinishAtEndOfStream();
                }

                await FillAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (Parse())
            {
                RecordNumber++;
                return true;
            }
        }
    }

    public void Dispose() => _reader.Dispose();

    /// <summary>Consumes buffered characters; true once a record is complete.</summary>
    private bool Parse()
    {
        while (_position < _available)
        {
            var c = _buffer[_position++];
            if (_atStart)
            {
                // StreamReader only drops a byte-order mark it sees whole in its first read; a stream that hands
                // out fewer bytes leaves it here as U+FEFF.
                _atStart = false;
                if (c == '\uFEFF')
                {
                    continue;
                }
            }

            if (_skipLineFeed)
            {
                _skipLineFeed = false;
                if (c == '\n')
                {
                    continue;
                }
            }

            if (LineNumber == 0)
            {
                if (c is '\n' or '\r')
                {
                    EndLine(c);
                    continue;
                }

                LineNumber = _line;
            }

            switch (_state)
            {
                case State.FieldStart:
                    if (c == '"')
                    {
                        _state = State.Quoted;
                        _quoteLine = _line;
                    }
                    else if (c == ',')
                    {
                        EndField();
                    }
                    else if (c is '\n' or '\r')
                    {
                        EndField();
                        EndLine(c);
                        return true;
                    }
                    else
                    {
                        Append(c);
                        _state = State.Unquoted;
                    }

                    break;

                case State.Unquoted:
                    if (c == ',')
                    {
                        EndField();
                        _state = State.FieldStart;
                    }
                    else if (c is '\n' or '\r')
                    {
                        EndField();
                        EndLine(c);
                        return true;
                    }
                    else
                    {
                        Append(c);
                    }

                    break;

                case State.Quoted:
                    if (c == '"')
                    {
                        _state = State.QuoteInQuoted;
                    }
                    else
                    {
                        if (c is '\n' or '\r')
                        {
                            // Normalise an embedded CRLF to one line break and count the line either way.
                            EndLine(c);
                            c = '\n';
                        }

                        Append(c);
                    }

                    break;

                case State.QuoteInQuoted:
                    if (c == '"')
                    {
                        Append('"');
                        _state = State.Quoted;
                    }
                    else if (c == ',')
                    {
                        EndField();
                        _state = State.FieldStart;
                    }
                    else if (c is '\n' or '\r')
                    {
                        EndField();
                        EndLine(c);
                        return true;
                    }
                    else
                    {
                        throw new InvalidDataException(
                            $"{_fileName}: line {_line}: unexpected character after the closing quote of a field " +
                            "(a quote inside a quoted field must be doubled: \"\").");
                    }

                    break;
            }
        }

        return false;
    }

    private bool FinishAtEndOfStream()
    {
        if (LineNumber == 0)
        {
            return false;
        }

        if (_state == State.Quoted)
        {
            throw new InvalidDataException(
                $"{_fileName}: line {_quoteLine}: a quoted field is never closed (unterminated quote; record starts on line {LineNumber}).");
        }

        EndField();
        RecordNumber++;
        return true;
    }

    private void EndLine(char c)
    {
        _line++;
        _skipLineFeed = c == '\r';
    }

    private void EndField() => _fieldEnds.Add(_recordLength);

    private void Append(char c)
    {
        if (_recordLength == _record.Length)
        {
            if (_record.Length >= MaxRecordChars)
            {
                throw new InvalidDataException(
                    $"{_fileName}: line {LineNumber}: the record is longer than {MaxRecordChars} characters " +
                    (_state == State.Quoted ? $"(is the quote opened on line {_quoteLine} ever closed?)." : "."));
            }

            Array.Resize(ref _record, Math.Min(_record.Length * 2, MaxRecordChars));
        }

        _record[_recordLength++] = c;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        try
        {
            _available = await _reader.ReadAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{_fileName}: near line {_line}: the file is not valid UTF-8.", e);
        }

        _position = 0;
        _endOfStream = _available == 0;
    }
}
