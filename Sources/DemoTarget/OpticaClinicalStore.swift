import Foundation
import Synchronization

/// One eye's refraction, in hundredths of a diopter (`-2.25` is `-225`) and degrees.
struct EyeRefraction: Sendable, Hashable {
    var sphere: Int
    var cylinder: Int
    var axis: Int

    /// `-2.25 -0.75 x 180`, as a prescription writes it.
    var formula: String { "\(Self.diopters(sphere)) \(Self.diopters(cylinder)) x \(axis)" }

    /// Signed diopters with two decimals: `+1.50`, `-0.25`, `+0.00`.
    static func diopters(_ hundredths: Int) -> String {
        let sign = hundredths < 0 ? "-" : "+"
        let magnitude = abs(hundredths)
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

/// A refraction exam: both eyes, the near addition, the pupillary distance and visual acuity.
struct RefractionExam: Sendable, Hashable {
    var od: EyeRefraction
    var oi: EyeRefraction
    /// Near addition, hundredths of a diopter (0 when none).
    var add: Int
    /// Pupillary distance, millimetres.
    var pd: Int?
    var acuityOD: String?
    var acuityOI: String?
}

/// The anamnesis a doctor records: why the patient came, what they feel, their background.
struct ClinicalNotes: Sendable, Hashable {
    var reason: String
    var symptoms: String
    var background: String
    var notes: String
}

/// A prescription (fórmula) written from the consultation's refraction exam.
struct Prescription: Sendable, Hashable {
    var id: Int
    var lensType: String
    var od: EyeRefraction
    var oi: EyeRefraction
    var add: Int
    var notes: String

    /// `OD -2.00 -0.75 x 180; OI -1.75 -0.50 x 170` plus `; ADD +1.50` when there is one.
    var formula: String {
        "OD \(od.formula); OI \(oi.formula)" + (add != 0 ? "; ADD \(EyeRefraction.diopters(add))" : "")
    }
}

/// A consultation: the doctor sees a patient (from an appointment or walking in), records the
/// clinical history, a refraction exam and a prescription, and finishes it.
struct Consultation: Sendable, Hashable {
    enum Status: String, Sendable { case open, completed }

    var id: Int
    var patientID: Int
    var appointmentID: Int?
    var doctor: String
    var started: Date
    var status: Status = .open
    var notes: ClinicalNotes?
    var exam: RefractionExam?
    var prescription: Prescription?
}

struct ClinicalState {
    var consultations: [Int: Consultation] = [:]
    var nextConsultationID = 1
    var nextPrescriptionID = 1
}

extension OpticaStore {
    /// At most this many consultations in all.
    static let maxConsultations = 50_000

    enum StartOutcome {
        case started(Consultation)
        case noSuchPatient
        case noSuchAppointment
        case appointmentNotScheduled(Appointment.Status)
        case appointmentOfAnotherPatient
        case tooMany
    }

    /// Opens a consultation for a patient, optionally attending one of their scheduled appointments.
    func startConsultation(patient: Int, appointment: Int?, doctor: String, now: Date = Date()) -> StartOutcome {
        state.withLock { s in
            guard s.patients[patient] != nil else { return .noSuchPatient }
            if let appointment {
                guard let booked = s.appointments[appointment] else { return .noSuchAppointment }
                guard booked.patientID == patient else { return .appointmentOfAnotherPatient }
                guard booked.status == .scheduled else { return .appointmentNotScheduled(booked.status) }
            }
            guard s.clinical.consultations.count < Self.maxConsultations else { return .tooMany }
            let consultation = Consultation(
                id: s.clinical.nextConsultationID,
                patientID: patient,
                appointmentID: appointment,
                doctor: doctor,
                started: now
            )
            s.clinical.consultations[consultation.id] = consultation
            s.clinical.nextConsultationID += 1
            return .started(consultation)
        }
    }

    func consultation(id: Int) -> Consultation? {
        state.withLock { $0.clinical.consultations[id] }
    }

    enum ConsultationChange {
        case changed(Consultation)
        case notFound
        case closed
        /// The change needs something recorded first (the message says what).
        case missing(String)
    }

    /// Applies `change` to an open consultation, under the lock.
    func updateConsultation(
        id: Int,
        _ change: (inout Consultation, inout ClinicalState) -> String?
    ) -> ConsultationChange {
        state.withLock { s in
            guard var consultation = s.clinical.consultations[id] else { return .notFound }
            guard consultation.status == .open else { return .closed }
            if let missing = change(&consultation, &s.clinical) { return .missing(missing) }
            s.clinical.consultations[id] = consultation
            return .changed(consultation)
        }
    }

    /// Finishes a consultation that has its clinical history; its appointment becomes `completed`.
    func finishConsultation(id: Int) -> ConsultationChange {
        state.withLock { s in
            guard var consultation = s.clinical.consultations[id] else { return .notFound }
            guard consultation.status == .open else { return .closed }
            guard consultation.notes != nil else {
                return .missing("record the clinical history before finishing the consultation")
            }
            consultation.status = .completed
            s.clinical.consultations[id] = consultation
            if let appointment = consultation.appointmentID, s.appointments[appointment]?.status == .scheduled {
                s.appointments[appointment]?.status = .completed
            }
            return .changed(consultation)
        }
    }

    /// Deletes a consultation (a doctor discarding a record made in error). Its appointment, if
    /// it was completed by it, is scheduled again.
    func deleteConsultation(id: Int) -> Bool {
        state.withLock { s in
            guard let consultation = s.clinical.consultations.removeValue(forKey: id) else { return false }
            if let appointment = consultation.appointmentID, s.appointments[appointment]?.status == .completed {
                s.appointments[appointment]?.status = .scheduled
            }
            return true
        }
    }

    /// A patient's consultations, oldest first; `nil` for an unknown patient.
    func history(patient: Int) -> (Patient, [Consultation])? {
        state.withLock { s in
            guard let patient = s.patients[patient] else { return nil }
            let consultations = s.clinical.consultations.values.filter { $0.patientID == patient.id }.sorted {
                $0.id < $1.id
            }
            return (patient, consultations)
        }
    }

    /// A prescription with its consultation and patient.
    func prescription(id: Int) -> (Prescription, Consultation, Patient?)? {
        state.withLock { s in
            guard let consultation = s.clinical.consultations.values.first(where: { $0.prescription?.id == id }),
                let prescription = consultation.prescription
            else { return nil }
            return (prescription, consultation, s.patients[consultation.patientID])
        }
    }
}
