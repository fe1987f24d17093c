import Foundation
import RondaCLI

let status = await RondaCommand.main(arguments: Array(CommandLine.arguments.dropFirst()))
exit(status)
