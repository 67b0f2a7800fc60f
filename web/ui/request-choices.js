// The choices a callback request offers (src/contact/API.md "POST
// /api/v1/requests"), for the citizen's form in the widget and the service
// centre's in the console alike. The contact service checks them again.
export const NEIGHBOURHOODS = ['groningen-noord', 'groningen-zuid'];
export const WINDOWS = ['morning', 'afternoon', 'evening', 'any'];
export const NEEDS = ['captions', 'sign_language', 'speech_to_text', 'high_contrast'];
