import Foundation
import Hummingbird

/// The optica's appointments: a doctor's free slots on a date, booking, cancelling and
/// rescheduling (routes registered in `OpticaRoutes.register(on:)`).
extension OpticaRoutes {

    func availability(_ request: Request, doctor doctorText: String?) async throws -> Response {
        let query = HTTPReply.query(request)
        guard let doctor = doctorText.flatMap({ Int($0) }) else {
            return HTTPReply.error(.badRequest, "doctor is required (a doctor id)")
        }
        guard let date = query["date"], Self.isDate(date) else {
            return HTTPReply.error(.badRequest, "date is required as YYYY-MM-DD")
        }
        if faults.isOn(OpticaFaults.slowAvailability) { try await Task.sleep(for: .seconds(2)) }
        guard var slots = store.availability(doctor: doctor, date: date) else {
            return HTTPReply.error(.notFound, "no such doctor")
        }
        if faults.isOn(OpticaFaults.availabilityNoSlots) { slots = [] }
        return HTTPReply.json(.ok, Availability(doctor: doctor, date: date, slots: slots))
    }

    struct Availability: Encodable {
        var doctor: Int
        var date: String
        var slots: [String]
    }

    struct BookingRequest: Decodable {
        var patientID: LenientInt
        var doctorID: LenientInt
        var date: String
        var time: String
        enum CodingKeys: String, CodingKey {
            case patientID = "patient_id"
            case doctorID = "doctor_id"
            case date, time
        }
    }

    struct Booked: Encodable {
        var appointmentID: Int
        var status: String
        var date: String
        var time: String
        enum CodingKeys: String, CodingKey {
            case appointmentID = "appointment_id"
            case status, date, time
        }
    }

    func book(_ request: Request) async throws -> Response {
        guard let body = try await HTTPReply.decode(BookingRequest.self, from: request) else {
            return HTTPReply.error(
                .badRequest,
                "send JSON with patient_id, doctor_id, date (YYYY-MM-DD) and time (HH:MM)"
            )
        }
        guard Self.isDate(body.date) else { return HTTPReply.error(.badRequest, "date must be YYYY-MM-DD") }
        if faults.isOn(OpticaFaults.appointmentMonday500), Self.weekday(body.date) == 2 {
            return HTTPReply.html(
                .internalServerError,
                "<!doctype html><title>Server Error (500)</title><h1>Server Error (500)</h1>"
            )
        }
        switch store.book(patient: body.patientID.value, doctor: body.doctorID.value, date: body.date, time: body.time)
        {
        case .booked(let a):
            return HTTPReply.json(
                .created,
                Booked(appointmentID: a.id, status: a.status.rawValue, date: a.date, time: a.time)
            )
        case .noSuchPatient: return HTTPReply.error(.notFound, "no such patient")
        case .noSuchDoctor: return HTTPReply.error(.notFound, "no such doctor")
        case .notASlot:
            return HTTPReply.error(
                .badRequest,
                "time must be one of the slots: \(OpticaStore.slots.joined(separator: ", "))"
            )
        case .slotTaken: return HTTPReply.error(.conflict, "that slot is already taken")
        }
    }

    struct Cancelled: Encodable {
        var appointmentID: Int
        var status: String
        enum CodingKeys: String, CodingKey {
            case appointmentID = "appointment_id"
            case status
        }
    }

    func cancel(_ request: Request, id: Int?) async throws -> Response {
        let form = try await HTTPReply.form(request)
        guard let id else { return HTTPReply.error(.notFound, "no such appointment") }
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            return HTTPReply.error(.badRequest, "reason is required: say why the appointment is cancelled")
        }
        switch store.cancel(
            appointment: id,
            reason: faults.isOn(OpticaFaults.cancelReasonLost) ? nil : String(reason.prefix(500))
        ) {
        case .cancelled(let a): return HTTPReply.json(.ok, Cancelled(appointmentID: a.id, status: a.status.rawValue))
        case .notFound: return HTTPReply.error(.notFound, "no such appointment")
        case .alreadyCancelled: return HTTPReply.error(.badRequest, "the appointment is already cancelled")
        }
    }

    struct RescheduleRequest: Decodable {
        var date: String
        var time: String
    }

    func reschedule(_ request: Request, id: Int?) async throws -> Response {
        guard let body = try await HTTPReply.decode(RescheduleRequest.self, from: request) else {
            return HTTPReply.error(.badRequest, "send JSON with the new date (YYYY-MM-DD) and time (HH:MM)")
        }
        guard let id else { return HTTPReply.error(.notFound, "no such appointment") }
        guard Self.isDate(body.date) else { return HTTPReply.error(.badRequest, "date must be YYYY-MM-DD") }
        switch store.reschedule(
            appointment: id,
            date: body.date,
            time: body.time,
            leaveOldSlot: faults.isOn(OpticaFaults.rescheduleKeepsOldSlot)
        ) {
        case .moved(let a): return HTTPReply.json(.ok, a)
        case .notFound: return HTTPReply.error(.notFound, "no such appointment")
        case .notScheduled(let status):
            return HTTPReply.error(
                .badRequest,
                "only a scheduled appointment can be rescheduled; this one is \(status.rawValue)"
            )
        case .notASlot:
            return HTTPReply.error(
                .badRequest,
                "time must be one of the slots: \(OpticaStore.slots.joined(separator: ", "))"
            )
        case .slotTaken: return HTTPReply.error(.conflict, "that slot is already taken")
        }
    }

    /// The weekday of a `YYYY-MM-DD` date, 1 = Sunday … 7 = Saturday.
    static func weekday(_ text: String) -> Int? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3,
            let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
        else { return nil }
        return calendar.component(.weekday, from: date)
    }

    /// `YYYY-MM-DD` with a plausible month and day.
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return false }
        return (1900...2999).contains(year) && (1...12).contains(month) && (1...31).contains(day)
    }
}
