/// Faults of the optica app.
public enum OpticaFaults {
    public static let all: [DemoFault] = []
}
