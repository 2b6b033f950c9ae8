#pragma once

#include <gmock/gmock.h>

#include "backend_dialogue.h"

namespace mailwire::fake {

class MockDialogueActions : public DialogueActions {
  public:
    MOCK_METHOD(void, send, (const std::string& bytes), (override));
    MOCK_METHOD(void, sendPiece, (const std::string& bytes), (override));
    MOCK_METHOD(void, halfClose, (), (override));
};

}  // namespace mailwire::fake
