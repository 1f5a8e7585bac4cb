//! The browser entry: hydrates the islands of the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Referencing the app links its islands into the bundle (exports of a dependency are
    // kept only when the dependency is linked at all).
    app::mark_hydrated();
}
