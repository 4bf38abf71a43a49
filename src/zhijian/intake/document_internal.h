// Internal to intake: the openers behind OpenDocument (sources.h) and the Leptonica helpers
// shared by the image reader and the OCR adapter. Not part of the module's contract.
#pragma once

#include <memory>
#include <string>

#include "zhijian/base/result.h"
#include "zhijian/intake/sources.h"

namespace zhijian::intake {

Result<std::unique_ptr<Document>> OpenPdf(std::string bytes, const DocumentLimits& limits);
Result<std::unique_ptr<Document>> OpenImage(std::string bytes, DocumentKind kind,
                                            const DocumentLimits& limits);
// Silences Leptonica's messages on stderr (once per process).
void QuietLeptonica();

}  // namespace zhijian::intake
