import RondaCore

/// Parses command-line durations the way scenario files do.
enum NodeReaderBridge {
    static func duration(_ text: String) -> Double? {
        DurationText.parse(text)
    }
}
