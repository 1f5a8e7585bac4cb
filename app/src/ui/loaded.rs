//! How a page waits for its data: "…" while it loads, then the page made from it, or the
//! reason it was refused with a way home.

use std::sync::Arc;

use leptos::prelude::*;

use crate::error::AppError;
use crate::ui::status_page::ErrorPanel;

/// Shows `children` made from the resource's value once it has loaded, or the reason it
/// was refused: `<Loaded res=cell let:cell> … </Loaded>`.
#[component]
pub fn Loaded<T, V, F>(res: Resource<Result<T, AppError>>, children: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let children = Arc::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || {
                let children = Arc::clone(&children);
                Suspend::new(async move {
                    // The person first (loaded once for every page), so that the page's
                    // words may follow their ward.
                    let _ = crate::ui::layout::signed_in().await;
                    match res.await {
                        Ok(value) => children(value).into_any(),
                        Err(err) => view! { <ErrorPanel err /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
