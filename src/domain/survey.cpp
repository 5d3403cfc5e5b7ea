// Placeholder until the survey implementation lands (see survey.hpp).
#include "domain/survey.hpp"
