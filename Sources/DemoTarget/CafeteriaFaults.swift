/// Faults of the cafeteria API.
public enum CafeteriaFaults {
    public static let all: [DemoFault] = []
}
