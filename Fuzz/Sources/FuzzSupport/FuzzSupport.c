// Empty: SwiftPM needs a source file for the target that publishes include/FuzzSupport.h.
#include "FuzzSupport.h"
