import Foundation
import Synchronization

/// A patient of the optica.
struct Patient: Sendable, Hashable, Encodable {
    var id: Int
    var identification: String
    var firstName: String
    var lastName: String
    var email: String
    var phone: String

    var fullName: String { "\(firstName) \(lastName)" }

    enum CodingKeys: String, CodingKey {
        case id, identification, email, phone
        case firstName = "first_name"
        case lastName = "last_name"
        case fullName = "full_name"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(identification, forKey: .identification)
        try c.encode(fullName, forKey: .fullName)
        try c.encode(firstName, forKey: .firstName)
        try c.encode(lastName, forKey: .lastName)
        try c.encode(email, forKey: .email)
        try c.encode(phone, forKey: .phone)
    }
}

/// An appointment with a doctor.
struct Appointment: Sendable, Hashable, Encodable {
    /// `completed` once the doctor finishes the consultation it led to.
    enum Status: String, Sendable, Encodable { case scheduled, cancelled, completed }

    var id: Int
    var patientID: Int
    var doctorID: Int
    var date: String
    var time: String
    var status: Status
    var cancelReason: String?
    /// How many times it was moved.
    var rescheduled = 0

    enum CodingKeys: String, CodingKey {
        case id, date, time, status, rescheduled
        case patientID = "patient_id"
        case doctorID = "doctor_id"
        case cancelReason = "cancel_reason"
    }
}

/// The optica's state: sessions, patients, appointments, and (in extensions in the other
/// `Optica*Store` files) consultations, clinics and payments. Every operation takes the lock
/// once, so a check and the change it allows happen together (no double booking under load).
///
/// Patients and appointments are shared by the demo's clinics (tenants); a clinic's plan only
/// decides whether its users may write (an expired trial is read-only).
final class OpticaStore: Sendable {
    /// Appointment times every doctor offers each day.
    static let slots: [String] = (9..<17).flatMap { hour in
        [String(format: "%02d:00", hour), String(format: "%02d:30", hour)]
    }
    /// Doctors by id.
    static let doctors: [Int: String] = [
        1: "Dra. Laura Ríos", 2: "Dr. Andrés Mejía", 3: "Dra. Camila Ortiz", 4: "Dr. Felipe Arango",
        5: "Dra. Sofía Vélez",
    ]
    /// Sessions live this long.
    static let sessionLifetime: TimeInterval = 8 * 3600
    static let maxSessions = 10_000

    struct Session {
        var account: DemoUsers.Account
        var created: Date
        /// The clinic (tenant) the user is working in; the main clinic until they switch.
        var clinicID = Clinic.mainID
    }

    struct State {
        var sessions: [String: Session] = [:]
        var patients: [Int: Patient] = [:]
        var nextPatientID = 1
        var appointments: [Int: Appointment] = [:]
        var nextAppointmentID = 1
        var clinical = ClinicalState()
        var billing = BillingState()
    }

    let users: DemoUsers
    /// Internal so the store's extensions in the other `Optica*Store` files can use it.
    let state = Mutex(State())

    init(users: DemoUsers) {
        self.users = users
        state.withLock { s in
            for (identification, first, last) in [
                ("1012345678", "Ana María", "Gómez"), ("1098765432", "Julián", "Restrepo"),
                ("1055512345", "Valentina", "Herrera"),
            ] {
                let email = "\(first.lowercased().prefix(3)).\(last.lowercased().prefix(4))@example.test"
                s.patients[s.nextPatientID] = Patient(
                    id: s.nextPatientID,
                    identification: identification,
                    firstName: first,
                    lastName: last,
                    email: email,
                    phone: "3001234567"
                )
                s.nextPatientID += 1
            }
        }
    }

    // MARK: Sessions

    /// Checks credentials and opens a session; returns its id.
    func login(username: String, password: String) -> String? {
        guard let account = users.staff.first(where: { $0.login == username }),
            constantTimeEquals(account.password, password)
        else {
            return nil
        }
        let id = HTTPReply.randomHex(bytes: 24)
        let now = Date()
        state.withLock { s in
            s.sessions = s.sessions.filter { now.timeIntervalSince($0.value.created) < Self.sessionLifetime }
            if s.sessions.count >= Self.maxSessions,
                let oldest = s.sessions.min(by: { $0.value.created < $1.value.created })
            {
                s.sessions[oldest.key] = nil
            }
            s.sessions[id] = Session(account: account, created: now)
        }
        return id
    }

    /// The account of a live session.
    func account(session id: String) -> DemoUsers.Account? {
        state.withLock { s in
            guard let session = s.sessions[id] else { return nil }
            if Date().timeIntervalSince(session.created) >= Self.sessionLifetime {
                s.sessions[id] = nil
                return nil
            }
            return session.account
        }
    }

    func logout(session id: String) {
        _ = state.withLock { $0.sessions.removeValue(forKey: id) }
    }

    // MARK: Patients

    /// Patients whose identification or name contains `query` (case-insensitive), at most 20.
    func search(_ query: String) -> [Patient] {
        let needle = query.trimmingCharacters(in: .whitespaces).lowercased()
        guard !needle.isEmpty else { return [] }
        return state.withLock { s in
            s.patients.values.filter { $0.identification.contains(needle) || $0.fullName.lowercased().contains(needle) }
                .sorted { $0.id < $1.id }
                .prefix(20).map { $0 }
        }
    }

    enum CreatePatientOutcome {
        case created(Patient)
        case duplicate(existingID: Int)
    }

    func createPatient(
        identification: String,
        firstName: String,
        lastName: String,
        email: String,
        phone: String
    ) -> CreatePatientOutcome {
        state.withLock { s in
            if let existing = s.patients.values.first(where: { $0.identification == identification }) {
                return .duplicate(existingID: existing.id)
            }
            let patient = Patient(
                id: s.nextPatientID,
                identification: identification,
                firstName: firstName,
                lastName: lastName,
                email: email,
                phone: phone
            )
            s.patients[patient.id] = patient
            s.nextPatientID += 1
            return .created(patient)
        }
    }

    func patient(id: Int) -> Patient? {
        state.withLock { $0.patients[id] }
    }

    /// Deletes a patient and their appointments. Returns `false` when there is no such patient.
    func deletePatient(id: Int) -> Bool {
        state.withLock { s in
            guard s.patients.removeValue(forKey: id) != nil else { return false }
            s.appointments = s.appointments.filter { $0.value.patientID != id }
            s.clinical.consultations = s.clinical.consultations.filter { $0.value.patientID != id }
            return true
        }
    }

    // MARK: Appointments

    /// Free slots of a doctor on a day, or `nil` for an unknown doctor.
    func availability(doctor: Int, date: String) -> [String]? {
        guard Self.doctors[doctor] != nil else { return nil }
        return state.withLock { s in
            let taken = Set(
                s.appointments.values.filter { $0.doctorID == doctor && $0.date == date && $0.status == .scheduled }
                    .map(\.time)
            )
            return Self.slots.filter { !taken.contains($0) }
        }
    }

    enum BookingOutcome {
        case booked(Appointment)
        case noSuchPatient
        case noSuchDoctor
        case notASlot
        case slotTaken
    }

    /// Books a slot; the check that it is free and the booking are one step.
    func book(patient: Int, doctor: Int, date: String, time: String) -> BookingOutcome {
        guard Self.doctors[doctor] != nil else { return .noSuchDoctor }
        guard Self.slots.contains(time) else { return .notASlot }
        return state.withLock { s in
            guard s.patients[patient] != nil else { return .noSuchPatient }
            if s.appointments.values.contains(where: {
                $0.doctorID == doctor && $0.date == date && $0.time == time && $0.status == .scheduled
            }) {
                return .slotTaken
            }
            let appointment = Appointment(
                id: s.nextAppointmentID,
                patientID: patient,
                doctorID: doctor,
                date: date,
                time: time,
                status: .scheduled
            )
            s.appointments[appointment.id] = appointment
            s.nextAppointmentID += 1
            return .booked(appointment)
        }
    }

    enum CancelOutcome {
        case cancelled(Appointment)
        case notFound
        case alreadyCancelled
    }

    /// Cancels a scheduled appointment, keeping `reason` (`nil` loses it: the `cancel-reason-lost` fault).
    func cancel(appointment id: Int, reason: String?) -> CancelOutcome {
        state.withLock { s in
            guard var appointment = s.appointments[id] else { return .notFound }
            guard appointment.status == .scheduled else { return .alreadyCancelled }
            appointment.status = .cancelled
            appointment.cancelReason = reason
            s.appointments[id] = appointment
            return .cancelled(appointment)
        }
    }

    func appointment(id: Int) -> Appointment? {
        state.withLock { $0.appointments[id] }
    }

    enum RescheduleOutcome {
        case moved(Appointment)
        case notFound
        case notScheduled(Appointment.Status)
        case notASlot
        case slotTaken
    }

    /// Moves a scheduled appointment to another day and time with the same doctor. With
    /// `leaveOldSlot` (the `reschedule-keeps-old-slot` fault) a copy stays booked in the old slot.
    func reschedule(appointment id: Int, date: String, time: String, leaveOldSlot: Bool = false) -> RescheduleOutcome {
        guard Self.slots.contains(time) else { return .notASlot }
        return state.withLock { s in
            guard var appointment = s.appointments[id] else { return .notFound }
            guard appointment.status == .scheduled else { return .notScheduled(appointment.status) }
            let clash = s.appointments.values.contains {
                $0.id != id && $0.doctorID == appointment.doctorID && $0.date == date && $0.time == time
                    && $0.status == .scheduled
            }
            if clash { return .slotTaken }
            if leaveOldSlot {
                var ghost = appointment
                ghost.id = s.nextAppointmentID
                s.nextAppointmentID += 1
                s.appointments[ghost.id] = ghost
            }
            appointment.date = date
            appointment.time = time
            appointment.rescheduled += 1
            s.appointments[id] = appointment
            return .moved(appointment)
        }
    }

    /// Counts for the dashboard.
    func counts() -> (patients: Int, scheduled: Int) {
        state.withLock { s in (s.patients.count, s.appointments.values.filter { $0.status == .scheduled }.count) }
    }
}
